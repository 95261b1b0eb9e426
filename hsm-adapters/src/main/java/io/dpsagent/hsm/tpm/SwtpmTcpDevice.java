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
final class SwtpmTcpDevice extends TcpTpmDevice {

  // swtpm control commands (swtpm's tpm_ioctl.h); each answer starts with a u32 result.
  private static final int CMD_INIT = 2;
  private static final int CMD_SET_LOCALITY = 5;
  private static final int CMD_STOP = 14;

  private final int controlPort;

  SwtpmTcpDevice(String host, int port) {
    this(host, port, TpmTimeouts.defaults());
  }

  SwtpmTcpDevice(String host, int port, TpmTimeouts timeouts) {
    super("swtpm", "swtpm", host, port, timeouts);
    this.controlPort = port + 1;
  }

  /** swtpm takes raw TPM commands on its data port. */
  @Override
  byte[] frame(byte[] command) {
    return command;
  }

  @Override
  byte[] readAnswer(TpmSocket data, TpmTimeouts.Wait wait) throws IOException {
    return data.readResponse(wait);
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
}
