package io.dpsagent.agent.output;

import io.dpsagent.agent.AgentException;
import io.dpsagent.common.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Exclusive use of an output directory, so that two agents never interleave their files: a lock on
 * {@code DIR/.lock} that holds the holder's PID and command. A one-shot {@code provision} holds it
 * while it writes its output set; {@code run} holds it for as long as the daemon lives.
 *
 * <p>A daemon's lock is not waited for: it does not end on its own. Any other holder is waited for
 * up to {@link #WAIT}, which writing a few small files never needs.
 *
 * <p>The operating system's lock belongs to the process, and closing any descriptor of the file
 * drops it, so within this JVM a table says who holds which directory and the file is only opened
 * by a thread that has claimed the directory there.
 */
public final class OutputLock implements AutoCloseable {

  public static final String FILE = ".lock";
  static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration POLL = Duration.ofMillis(20);

  /** The command holding the directory, as it appears in the lock file and in messages. */
  public enum Holder {
    PROVISION("provision"),
    DAEMON("run");

    private final String command;

    Holder(String command) {
      this.command = command;
    }

    static Holder of(String command) {
      return command.equals(DAEMON.command) ? DAEMON : PROVISION;
    }
  }

  private static final ConcurrentMap<Path, Holder> HELD_HERE = new ConcurrentHashMap<>();

  private final Path file;
  private final FileLock lock; // its channel is the descriptor that holds it

  private OutputLock(Path file, FileLock lock) {
    this.file = file;
    this.lock = lock;
  }

  /** Locks {@code dir} (which must exist) for {@code holder}, or fails naming who holds it. */
  public static OutputLock acquire(Path dir, Holder holder) throws AgentException {
    return acquire(dir, holder, WAIT);
  }

  static OutputLock acquire(Path dir, Holder holder, Duration wait) throws AgentException {
    Path file;
    try {
      file = dir.toRealPath().resolve(FILE);
    } catch (IOException e) {
      throw OutputDirectory.unusable("output.dir", dir, e);
    }
    Instant deadline = Instant.now().plus(wait);
    while (true) {
      Attempt attempt = attempt(dir, file, holder);
      if (attempt.lock() != null) {
        return attempt.lock();
      }
      if (attempt.by() == Holder.DAEMON || !Instant.now().isBefore(deadline)) {
        throw held(dir, attempt, wait);
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw AgentException.config("interrupted while waiting for the lock on output.dir " + dir);
      }
    }
  }

  /** Either the lock, or who holds it (a PID of -1 when the holder has not written it yet). */
  private record Attempt(OutputLock lock, long pid, Holder by) {}

  private static Attempt attempt(Path dir, Path file, Holder holder) throws AgentException {
    Holder other = HELD_HERE.putIfAbsent(file, holder);
    if (other != null) {
      return new Attempt(null, ProcessHandle.current().pid(), other);
    }
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              file,
              Set.of(
                  StandardOpenOption.CREATE,
                  StandardOpenOption.READ,
                  StandardOpenOption.WRITE,
                  LinkOption.NOFOLLOW_LINKS),
              PosixFilePermissions.asFileAttribute(AtomicFiles.OWNER_ONLY));
      FileLock lock = channel.tryLock();
      if (lock == null) {
        Attempt busy = readHolder(channel);
        channel.close();
        HELD_HERE.remove(file);
        return busy;
      }
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap(
              (ProcessHandle.current().pid() + " " + holder.command + "\n")
                  .getBytes(StandardCharsets.US_ASCII)),
          0);
      channel.force(false);
      return new Attempt(new OutputLock(file, lock), 0, holder);
    } catch (IOException e) {
      closeQuietly(channel);
      HELD_HERE.remove(file);
      throw OutputDirectory.unusable("output.dir", dir, e);
    }
  }

  private static Attempt readHolder(FileChannel channel) throws IOException {
    ByteBuffer content = ByteBuffer.allocate(64);
    channel.read(content, 0);
    String[] fields =
        new String(content.array(), 0, content.position(), StandardCharsets.US_ASCII)
            .strip()
            .split(" ");
    try {
      return new Attempt(
          null, Long.parseLong(fields[0]), Holder.of(fields.length > 1 ? fields[1] : ""));
    } catch (NumberFormatException e) {
      return new Attempt(null, -1, Holder.PROVISION); // locked a moment ago, PID not written yet
    }
  }

  private static AgentException held(Path dir, Attempt attempt, Duration waited) {
    String who =
        "dps-agent "
            + attempt.by().command
            + " (PID "
            + (attempt.pid() < 0 ? "unknown" : attempt.pid())
            + ")";
    String fix =
        attempt.by() == Holder.DAEMON
            ? "stop that daemon first (systemctl stop dps-agent) or set output.dir to another directory"
            : "it did not finish within "
                + waited.toSeconds()
                + " s; let it finish or set output.dir to another directory";
    return AgentException.config("output.dir " + dir + " is in use by " + who + "; " + fix);
  }

  /** The lock file, whose descriptors hold the lock. */
  public Path file() {
    return file;
  }

  /** Releases the lock; the file stays, emptied, so that its name never points at a stale PID. */
  @Override
  public void close() {
    FileChannel channel = lock.channel();
    try {
      channel.truncate(0);
      lock.release();
    } catch (IOException e) {
      // closing the channel below releases the lock all the same
    } finally {
      closeQuietly(channel);
      HELD_HERE.remove(file);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing was written through it that needs keeping
      }
    }
  }
}
