package io.dpsagent.hsm.tpm;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The Microsoft reference simulator's command port, framed as tpm2-tss's mssim TCTI frames it: a
 * command goes out as {@code u32 TPM_SEND_COMMAND, u8 locality, u32 size, bytes}; the answer comes
 * back as {@code u32 size, bytes, u32 0}.
 *
 * <p>Used instead of TSS.Java's {@code TpmDeviceTcp}, whose reads have no timeout: every connect
 * and read here is bounded by the device's {@link TpmTimeouts}.
 */
final class MssimTcpDevice extends TcpTpmDevice {

  // Microsoft simulator TcpServer commands on the command port.
  private static final int SEND_COMMAND = 8;
  private static final int SESSION_END = 20;

  MssimTcpDevice(String host, int port, TpmTimeouts timeouts) {
    super("mssim", "the simulator", host, port, timeouts);
  }

  @Override
  byte[] frame(byte[] command) {
    return ByteBuffer.allocate(9 + command.length)
        .putInt(SEND_COMMAND)
        .put((byte) 0)
        .putInt(command.length)
        .put(command)
        .array();
  }

  @Override
  byte[] readAnswer(TpmSocket commands, TpmTimeouts.Wait wait) throws IOException {
    int size = commands.readInt(wait);
    if (size < TpmResponses.HEADER_SIZE || size > TpmResponses.MAX_SIZE) {
      throw new IOException("malformed simulator answer: it announces " + size + " bytes");
    }
    byte[] response = new byte[size];
    commands.readFully(response, 0, size, wait);
    commands.readInt(wait); // the trailing 0 that ends every answer
    return response;
  }

  @Override
  void beforeClose(TpmSocket commands) {
    try {
      commands.writeInt(SESSION_END);
    } catch (IOException ignored) {
      // the simulator went away first: nothing to end
    }
  }
}
