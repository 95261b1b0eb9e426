package io.dpsagent.agent.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.AgentException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputLockTest {

  private static final long PID = ProcessHandle.current().pid();

  @TempDir Path dir;

  private String lockFile() throws Exception {
    return Files.readString(dir.resolve(".lock"));
  }

  private String inUse(String command, long pid) {
    return "output.dir " + dir + " is in use by dps-agent " + command + " (PID " + pid + "); ";
  }

  /** Takes the lock as {@code holder}, waiting up to {@code wait}, which must be refused. */
  private AgentException refusal(OutputLock.Holder holder, Duration wait) {
    return assertThrows(AgentException.class, () -> OutputLock.acquire(dir, holder, wait));
  }

  @Test
  void theLockFileNamesTheHolderWhileHeldAndNobodyAfter() throws Exception {
    try (OutputLock lock = OutputLock.acquire(dir, OutputLock.Holder.DAEMON)) {
      assertEquals(PID + " run\n", lockFile());
    }
    assertEquals("", lockFile());
    try (OutputLock again = OutputLock.acquire(dir, OutputLock.Holder.PROVISION)) {
      assertEquals(PID + " provision\n", lockFile());
    }
  }

  @Test
  void aDaemonsLockIsRefusedAtOnceWithoutWaiting() throws Exception {
    try (OutputLock daemon = OutputLock.acquire(dir, OutputLock.Holder.DAEMON)) {
      Instant start = Instant.now();
      AgentException e = refusal(OutputLock.Holder.PROVISION, Duration.ofSeconds(20));

      assertTrue(
          Duration.between(start, Instant.now()).compareTo(Duration.ofSeconds(5)) < 0,
          "no waiting");
      assertEquals(AgentException.Kind.CONFIG, e.kind());
      assertEquals(
          inUse("run", PID)
              + "stop that daemon first (systemctl stop dps-agent) or set output.dir to "
              + "another directory",
          e.getMessage());
    }
  }

  @Test
  void anotherWriterIsWaitedForUpToTheBound() throws Exception {
    try (OutputLock writer = OutputLock.acquire(dir, OutputLock.Holder.PROVISION)) {
      AgentException e = refusal(OutputLock.Holder.PROVISION, Duration.ofMillis(200));

      assertEquals(
          inUse("provision", PID)
              + "it did not finish within 0 s; let it finish or set output.dir to "
              + "another directory",
          e.getMessage());
    }
  }

  @Test
  void aWriterThatFinishesInTimeIsFollowed() throws Exception {
    OutputLock first = OutputLock.acquire(dir, OutputLock.Holder.PROVISION);
    CompletableFuture<Void> release =
        CompletableFuture.runAsync(
            () -> {
              sleep(300);
              first.close();
            });
    Instant start = Instant.now();
    try (OutputLock second =
        OutputLock.acquire(dir, OutputLock.Holder.PROVISION, Duration.ofSeconds(10))) {
      assertTrue(
          Duration.between(start, Instant.now()).compareTo(Duration.ofMillis(250)) >= 0,
          "it waited");
    }
    release.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aLockHeldByAnotherProcessNamesThatProcessAndIsFollowedWhenReleased() throws Exception {
    Process holder = startHolder("PROVISION");
    try {
      AgentException e = refusal(OutputLock.Holder.PROVISION, Duration.ofMillis(100));
      assertTrue(e.getMessage().startsWith(inUse("provision", holder.pid())), e.getMessage());

      holder.getOutputStream().close(); // the holder releases and exits
      try (OutputLock mine =
          OutputLock.acquire(dir, OutputLock.Holder.PROVISION, Duration.ofSeconds(10))) {
        assertEquals(PID + " provision\n", lockFile());
      }
      assertTrue(holder.waitFor(10, TimeUnit.SECONDS));
      assertEquals(0, holder.exitValue());
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void aDaemonInAnotherProcessIsRefusedAtOnce() throws Exception {
    Process holder = startHolder("DAEMON");
    try {
      AgentException e = refusal(OutputLock.Holder.DAEMON, Duration.ofSeconds(20));
      assertTrue(
          e.getMessage().startsWith(inUse("run", holder.pid()) + "stop that daemon first"),
          e.getMessage());
    } finally {
      holder.destroyForcibly();
    }
  }

  private Process startHolder(String holder) throws Exception {
    Process process =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    System.getProperty("java.class.path"),
                    LockHolder.class.getName(),
                    dir.toString(),
                    holder))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    assertEquals("locked", out.readLine(), "the holder took the lock");
    return process;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
