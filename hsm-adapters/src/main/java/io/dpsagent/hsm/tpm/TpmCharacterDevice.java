package io.dpsagent.hsm.tpm;

import io.dpsagent.hsm.HsmException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A TPM character device: {@code /dev/tpmrm0} (the kernel resource manager) or {@code /dev/tpm0}.
 *
 * <p>One open file is one TPM context: the command is written with a single write() and the
 * response read back through the same descriptor. Only a character device is opened, for read and
 * write and never created or truncated: a path that names a regular file (a typo, or a machine
 * whose TPM driver is not loaded) must not receive TPM commands.
 *
 * <p>The kernel gives no timeout on a TPM device, so each command runs on the device's own I/O
 * thread while the caller waits in slices bounded by {@link TpmTimeouts}. A command that is not
 * answered in time is abandoned with the device: its thread is interrupted elsewhere, because
 * closing a device in the middle of a read can wait for the driver. TSS.Java's {@code
 * TpmDeviceLinux} is not used because it cannot be pointed at another path, polls with sleeps and
 * prints to stderr.
 */
final class TpmCharacterDevice extends BoundedTpmDevice {

  /**
   * Larger than any TPM response. Kernels before partial-read support drop whatever a read() does
   * not take, so the whole response must fit the first read.
   */
  private static final int READ_BUFFER = 8 * 1024;

  private static final int MAX_READS = 64;
  private static final int CHARACTER_DEVICE = 0020000;
  private static final int FILE_TYPE = 0170000;

  private final Path path;
  private FileChannel channel;
  private ExecutorService io;
  private byte[] response;

  TpmCharacterDevice(String path) {
    this(path, TpmTimeouts.defaults());
  }

  TpmCharacterDevice(String path, TpmTimeouts timeouts) {
    super(timeouts);
    this.path = Path.of(path);
  }

  /**
   * @throws HsmException {@link HsmException.Kind#UNAVAILABLE} when the path is not a character
   *     device (missing, a file, a directory): the driver may not be loaded yet
   */
  @Override
  void open() throws IOException, HsmException {
    if (channel != null) {
      return;
    }
    if (!isCharacterDevice(path)) {
      throw absent();
    }
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (NoSuchFileException e) {
      throw absent(); // gone between the check and the open
    } catch (AccessDeniedException e) {
      throw new IOException(
          "permission denied; the agent's user needs read and write access to " + path, e);
    }
    io =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "tpm-device-io " + path);
              thread.setDaemon(true);
              return thread;
            });
  }

  private HsmException absent() {
    return new HsmException(
        HsmException.Kind.UNAVAILABLE,
        "no TPM at "
            + path
            + " (not a character device); is the TPM driver loaded? (ls -l /dev/tpm*)");
  }

  private static boolean isCharacterDevice(Path path) {
    try {
      int mode = (Integer) Files.getAttribute(path, "unix:mode");
      return (mode & FILE_TYPE) == CHARACTER_DEVICE;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing a device we are done with: nothing to recover
      }
      io.shutdownNow();
      channel = null;
    }
  }

  /**
   * @throws TpmNoAnswerException when the TPM does not answer in time or a stop is requested
   */
  @Override
  public void dispatchCommand(byte[] command) {
    requireOpen();
    FileChannel device = channel;
    Future<byte[]> answer = io.submit(() -> transact(device, command));
    TpmTimeouts.Wait wait = timeouts.forAnswer(toString());
    while (true) {
      try {
        response = answer.get(wait.nextSliceMillis(), TimeUnit.MILLISECONDS);
        return;
      } catch (TimeoutException e) {
        // not answered yet: look at the deadline and the stop request again
      } catch (TpmNoAnswerException e) {
        abandon(answer);
        throw e;
      } catch (ExecutionException e) {
        throw new UncheckedIOException(
            "TPM device " + path + " failed", asIoException(e.getCause()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        abandon(answer);
        throw new TpmNoAnswerException(this + ": interrupted while waiting for the TPM");
      }
    }
  }

  /**
   * Gives up on a command the TPM has not answered. A late answer would belong to no command, so
   * the device is closed; interrupting its thread closes the channel, which may wait for the driver
   * to let go of the read, so that happens on a thread of its own.
   */
  private void abandon(Future<byte[]> answer) {
    ExecutorService stuck = io;
    channel = null;
    io = null;
    Thread closer =
        new Thread(
            () -> {
              answer.cancel(true);
              stuck.shutdownNow();
            },
            "tpm-device-close " + path);
    closer.setDaemon(true);
    closer.start();
  }

  private static IOException asIoException(Throwable cause) {
    return cause instanceof IOException io ? io : new IOException(String.valueOf(cause), cause);
  }

  private static byte[] transact(FileChannel device, byte[] command) throws IOException {
    ByteBuffer out = ByteBuffer.wrap(command);
    while (out.hasRemaining()) {
      device.write(out);
    }
    return readResponse(device);
  }

  private static byte[] readResponse(FileChannel device) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER);
    int expected = -1;
    for (int reads = 0; reads < MAX_READS; reads++) {
      if (device.read(buffer) < 0) {
        throw new IOException(
            "end of file after "
                + buffer.position()
                + " bytes of a TPM response;"
                + " is it a TPM?");
      }
      if (expected < 0 && buffer.position() >= TpmResponses.HEADER_SIZE) {
        expected =
            TpmResponses.announcedSize(Arrays.copyOf(buffer.array(), TpmResponses.HEADER_SIZE));
        if (expected > buffer.capacity()) {
          buffer = ByteBuffer.allocate(expected).put(buffer.flip());
        }
      }
      if (expected >= 0 && buffer.position() >= expected) {
        return Arrays.copyOf(buffer.array(), expected);
      }
    }
    throw new IOException("TPM response still incomplete after " + MAX_READS + " reads");
  }

  @Override
  public byte[] getResponse() {
    if (response == null) {
      throw new IllegalStateException("no TPM command is pending");
    }
    byte[] r = response;
    response = null;
    return r;
  }

  @Override
  public boolean responseReady() {
    return response != null;
  }

  private void requireOpen() {
    if (channel == null) {
      throw new IllegalStateException("TPM device " + path + " is not open");
    }
  }

  @Override
  public String toString() {
    return "device:" + path;
  }
}
