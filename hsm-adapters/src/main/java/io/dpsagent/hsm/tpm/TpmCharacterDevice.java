package io.dpsagent.hsm.tpm;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * A TPM character device: {@code /dev/tpmrm0} (the kernel resource manager) or {@code /dev/tpm0}.
 *
 * <p>One open file is one TPM context: the command is written with a single write() and the
 * response read back through the same descriptor. TSS.Java's {@code TpmDeviceLinux} is not used
 * because it cannot be pointed at another path, polls with sleeps and prints to stderr.
 */
public class TpmCharacterDevice extends tss.TpmDevice {

  /**
   * Larger than any TPM response. Kernels before partial-read support drop whatever a read() does
   * not take, so the whole response must fit the first read.
   */
  private static final int READ_BUFFER = 8 * 1024;
  private static final int MAX_READS = 64;

  private final String path;
  private RandomAccessFile file;
  private byte[] response;

  public TpmCharacterDevice(String path) {
    this.path = path;
  }

  /** Opens the device; unlike {@link #connect()} it says why it failed. */
  public void open() throws IOException {
    if (file == null) {
      file = new RandomAccessFile(path, "rw");
    }
  }

  @Override
  public boolean connect() {
    try {
      open();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (file != null) {
      try {
        file.close();
      } catch (IOException ignored) {
        // closing a device we are done with: nothing to recover
      }
      file = null;
    }
  }

  @Override
  public void dispatchCommand(byte[] command) {
    requireOpen();
    try {
      file.write(command);
      response = readResponse();
    } catch (IOException e) {
      throw new UncheckedIOException("TPM device " + path + " failed", e);
    }
  }

  private byte[] readResponse() throws IOException {
    byte[] buffer = new byte[READ_BUFFER];
    int got = 0;
    int expected = -1;
    for (int reads = 0; reads < MAX_READS; reads++) {
      int n = file.read(buffer, got, buffer.length - got);
      if (n < 0) {
        throw new IOException("end of file after " + got + " bytes of a TPM response");
      }
      got += n;
      if (expected < 0 && got >= TpmResponses.HEADER_SIZE) {
        expected = TpmResponses.announcedSize(buffer);
        if (expected > buffer.length) {
          buffer = Arrays.copyOf(buffer, expected);
        }
      }
      if (expected >= 0 && got >= expected) {
        return Arrays.copyOf(buffer, expected);
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
    if (file == null) {
      throw new IllegalStateException("TPM device " + path + " is not open");
    }
  }

  @Override
  public String toString() {
    return "device:" + path;
  }
}
