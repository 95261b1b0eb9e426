package io.dpsagent.hsm.tpm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * swtpm over TCP: raw TPM commands on the data port, swtpm's own control protocol on the control
 * port ({@code port + 1}).
 *
 * <p>TSS.Java's {@code TpmDeviceTcp} speaks the Microsoft simulator's platform protocol on the
 * second port; swtpm reads those signals as different control commands (one of them shuts swtpm
 * down), so swtpm gets this device instead. swtpm serves one data connection at a time: keep one
 * device open per swtpm. Every connect and read is bounded by the device's {@link TpmTimeouts}.
 */
final class SwtpmTcpDevice extends tss.TpmDevice {

  // swtpm control commands (swtpm's tpm_ioctl.h); each answer starts with a u32 result.
  private static final int CMD_INIT = 2;
  private static final int CMD_SHUTDOWN = 3;
  private static final int CMD_SET_LOCALITY = 5;
  private static final int CMD_STOP = 14;

  private final String host;
  private final int port;
  private final int controlPort;
  private final TpmTimeouts timeouts;
  private TpmSocket data;
  private boolean pending;

  SwtpmTcpDevice(String host, int port) {
    this(host, port, TpmTimeouts.defaults());
  }

  SwtpmTcpDevice(String host, int port, TpmTimeouts timeouts) {
    this.host = host;
    this.port = port;
    this.controlPort = port + 1;
    this.timeouts = timeouts;
  }

  /**
   * Opens the data connection; unlike {@link #connect()} it says why it failed.
   *
   * @throws TpmNoAnswerException if the connection is not made within the connect timeout
   */
  void open() throws IOException {
    if (data == null) {
      data = TpmSocket.connect(toString(), host, port, timeouts);
    }
  }

  @Override
  public boolean connect() {
    try {
      open();
      return true;
    } catch (IOException | TpmNoAnswerException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (data != null) {
      data.close();
      data = null;
    }
  }

  @Override
  public void dispatchCommand(byte[] command) {
    requireOpen();
    try {
      data.write(command);
      pending = true;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "sending a command to swtpm at " + host + ":" + port + " failed", e);
    }
  }

  /**
   * @throws TpmNoAnswerException when swtpm does not answer in time or a stop is requested
   */
  @Override
  public byte[] getResponse() {
    requireOpen();
    if (!pending) {
      throw new IllegalStateException("no TPM command is pending");
    }
    pending = false;
    try {
      return data.readResponse(timeouts.forAnswer(toString()));
    } catch (TpmNoAnswerException e) {
      close(); // a late answer would be taken for the answer to the next command
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "reading a response from swtpm at " + host + ":" + port + " failed", e);
    }
  }

  @Override
  public boolean responseReady() {
    requireOpen();
    try {
      return data.hasInput();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code on}: CMD_INIT (a TPM reset; send Startup next); off: CMD_STOP. */
  @Override
  public void powerCtl(boolean on) {
    if (on) {
      control(CMD_INIT, new byte[4]);
    } else {
      control(CMD_STOP, new byte[0]);
    }
  }

  /** A real power cycle: the TPM then needs {@code Startup}. */
  @Override
  public void powerCycle() {
    control(CMD_INIT, new byte[4]);
  }

  @Override
  public void setLocality(int locality) {
    if (locality < 0 || locality > 4) {
      throw new IllegalArgumentException("locality " + locality + " is not between 0 and 4");
    }
    control(CMD_SET_LOCALITY, new byte[] {(byte) locality});
  }

  @Override
  public boolean powerCtlAvailable() {
    return true;
  }

  @Override
  public boolean localityCtlAvailable() {
    return true;
  }

  /** Asks swtpm to save its state and exit (CMD_SHUTDOWN). */
  void shutdownSwtpm() {
    control(CMD_SHUTDOWN, new byte[0]);
  }

  /**
   * Sends one control message and returns swtpm's result code. swtpm reads a control message with a
   * single recv(), so the command and its payload go out in one write.
   */
  private void control(int command, byte[] payload) {
    String name = "swtpm control channel at " + host + ":" + controlPort;
    try (TpmSocket ctrl = TpmSocket.connect(name, host, controlPort, timeouts)) {
      ctrl.write(ByteBuffer.allocate(4 + payload.length).putInt(command).put(payload).array());
      int result = ctrl.readInt(timeouts.forAnswer(name));
      if (result != 0) {
        throw new IllegalStateException(
            String.format(
                "swtpm control command %d at %s:%d failed with result 0x%X",
                command, host, controlPort, result));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "swtpm control command " + command + " at " + host + ":" + controlPort + " failed", e);
    }
  }

  private void requireOpen() {
    if (data == null) {
      throw new IllegalStateException("swtpm device at " + host + ":" + port + " is not open");
    }
  }

  @Override
  public String toString() {
    return "swtpm:host=" + host + ",port=" + port;
  }
}
