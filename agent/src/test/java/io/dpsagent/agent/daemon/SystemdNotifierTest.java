package io.dpsagent.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.log.LogCapture;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify datagrams, received on a real Unix datagram socket as systemd would. */
class SystemdNotifierTest {

  @TempDir Path dir;

  @Test
  void sendsReadyWithAStatusToAPathSocket() {
    String path = dir.resolve("notify").toString();
    try (NotifySocket systemd = new NotifySocket(path)) {
      new SystemdNotifier(Optional.of(path)).ready("provisioned gw-1\non hub-1");
      assertEquals("READY=1\nSTATUS=provisioned gw-1 on hub-1", systemd.receive());
    }
  }

  @Test
  void sendsToAnAbstractSocket() {
    String name = "@dps-agent-test-" + ProcessHandle.current().pid();
    try (NotifySocket systemd = new NotifySocket(name)) {
      new SystemdNotifier(Optional.of(name)).stopping();
      assertEquals("STOPPING=1", systemd.receive());
    }
  }

  /** Records what the notifier logs. */
  private static List<String> logged(Runnable action) {
    try (LogCapture log = LogCapture.of(SystemdNotifier.class)) {
      action.run();
      return log.lines();
    }
  }

  @Test
  void withoutNotifySocketNothingIsSentOrLogged() {
    assertEquals(
        List.of(),
        logged(
            () -> {
              new SystemdNotifier(Optional.empty()).ready("not under systemd");
              new SystemdNotifier(Optional.of("")).status("still fine");
            }));
  }

  @Test
  void anUnreachableSocketIsLoggedNotThrown() {
    String path = dir.resolve("nobody-listens").toString();
    List<String> messages = logged(() -> new SystemdNotifier(Optional.of(path)).ready("x"));
    assertEquals(1, messages.size(), messages.toString());
    assertTrue(
        messages.get(0).startsWith("WARNING cannot notify systemd at " + path), messages.get(0));
  }
}
