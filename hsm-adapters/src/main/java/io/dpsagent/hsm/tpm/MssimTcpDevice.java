package io.dpsagent.hsm.tpm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The Microsoft reference simulator's command port, framed as tpm2-tss's mssim TCTI frames it: a
 * command goes out as {@code u32 TPM_SEND_COMMAND, u8 locality, u32 size, bytes}; the answer comes
 * back as {@code u32 size, bytes, u32 0}.
 *
 * <p>Used instead of TSS.Java's {@code TpmDeviceTcp}, whose reads have no timeout: every connect
 * and read here is bounded by the device's {@link TpmTimeouts}.
 */
final class MssimTcpDevice extends tss.TpmDevice {

  // Microsoft simulator TcpServer commands on the command port.
  private static final int SEND_COMMAND = 8;
  private static final int SESSION_END = 20;

  private final String host;
  private final int port;
  private final TpmTimeouts timeouts;
  private TpmSocket commands;
  private boolean pending;

  MssimTcpDevice(String host, int port, TpmTimeouts timeouts) {
    this.host = host;
    this.port = port;
    this.timeouts = timeouts;
  }

  /**
   * @throws TpmNoAnswerException if the connection is not made within the connect timeout
   */
  void open() throws IOException {
    if (commands == null) {
      commands = TpmSocket.connect(toString(), host, port, timeouts);
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
    if (commands != null) {
      try {
        commands.writeInt(SESSION_END);
      } catch (IOException ignored) {
        // the simulator went away first: nothing to end
      }
      commands.close();
      commands = null;
    }
  }

  @Override
  public void dispatchCommand(byte[] command) {
    requireOpen();
    try {
      commands.write(
          ByteBuffer.allocate(9 + command.length)
              .putInt(SEND_COMMAND)
              .put((byte) 0)
              .putInt(command.length)
              .put(command)
              .array());
      pending = true;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "sending a command to the simulator at " + host + ":" + port + " failed", e);
    }
  }

  @Override
  public byte[] getResponse() {
    requireOpen();
    if (!pending) {
      throw new IllegalStateException("no TPM command is pending");
    }
    pending = false;
    try {
      TpmTimeouts.Wait wait = timeouts.forAnswer(toString());
      int size = commands.readInt(wait);
      if (size < TpmResponses.HEADER_SIZE || size > TpmResponses.MAX_SIZE) {
        throw new IOException("malformed simulator answer: it announces " + size + " bytes");
      }
      byte[] response = new byte[size];
      commands.readFully(response, 0, size, wait);
      commands.readInt(wait); // the trailing 0 that ends every answer
      return response;
    } catch (TpmNoAnswerException e) {
      close(); // a late answer would be taken for the answer to the next command
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "reading a response from the simulator at " + host + ":" + port + " failed", e);
    }
  }

  @Override
  public boolean responseReady() {
    requireOpen();
    try {
      return commands.hasInput();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void requireOpen() {
    if (commands == null) {
      throw new IllegalStateException("simulator device at " + host + ":" + port + " is not open");
    }
  }

  @Override
  public String toString() {
    return "mssim:host=" + host + ",port=" + port;
  }
}
