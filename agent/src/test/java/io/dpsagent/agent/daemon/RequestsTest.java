package io.dpsagent.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestsTest {

  @TempDir Path dir;

  private void request(String name) throws Exception {
    Files.createFile(dir.resolve(name));
  }

  @Test
  void aRequestIsTakenOnceAndItsFileRemoved() throws Exception {
    Requests requests = Requests.of(dir);
    assertFalse(requests.takeReprovision());

    request(Requests.REPROVISION);
    request(Requests.HUB_REJECTED);

    assertTrue(requests.takeReprovision());
    assertFalse(requests.takeReprovision());
    assertTrue(requests.takeHubRejected());
    assertFalse(Files.exists(dir.resolve(Requests.HUB_REJECTED)));
  }

  @Test
  void aMissingDirectoryHasNoRequests() throws Exception {
    Requests requests = Requests.of(dir.resolve("gone"));

    assertFalse(requests.takeReprovision());
    assertFalse(requests.takeHubRejected());
  }
}
