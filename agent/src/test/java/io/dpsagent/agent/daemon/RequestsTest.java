package io.dpsagent.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestsTest {

  @TempDir Path dir;

  private void request(String name) throws Exception {
    Files.createFile(dir.resolve(name));
  }

  private void setModified(Instant at) throws Exception {
    Files.setLastModifiedTime(dir, FileTime.from(at));
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
  void aRequestInASettledDirectoryIsSeenByTheTimeItsArrivalSets() throws Exception {
    Requests requests = Requests.of(dir);
    setModified(Instant.now().minusSeconds(60));
    assertFalse(requests.takeReprovision()); // settled and empty from here

    request(Requests.REPROVISION); // the kernel moves the directory's time on

    assertTrue(requests.takeReprovision());
  }

  @Test
  void whileTheDirectoryChangedRecentlyItIsLookedIntoWhateverItsTimeSays() throws Exception {
    Requests requests = Requests.of(dir);
    Instant recent = Instant.now().minusMillis(100);
    setModified(recent);
    assertFalse(requests.takeHubRejected());

    // A file made in the same tick as that look, after it: the directory's time stays as it was.
    request(Requests.HUB_REJECTED);
    setModified(recent);

    assertTrue(requests.takeHubRejected());
  }

  @Test
  void onceSettledAnUnchangedTimeMeansNoLookInside() throws Exception {
    Requests requests = Requests.of(dir);
    Instant old = Instant.now().minusSeconds(60);
    setModified(old);
    assertFalse(requests.takeReprovision());

    // Only a filesystem that did not move the time on could hide a file so; it is taken once the
    // time moves.
    request(Requests.REPROVISION);
    setModified(old);
    assertFalse(requests.takeReprovision());
    setModified(Instant.now());

    assertTrue(requests.takeReprovision());
  }

  @Test
  void aMissingDirectoryHasNoRequests() throws Exception {
    Requests requests = Requests.of(dir.resolve("gone"));

    assertFalse(requests.takeReprovision());
    assertFalse(requests.takeHubRejected());
  }
}
