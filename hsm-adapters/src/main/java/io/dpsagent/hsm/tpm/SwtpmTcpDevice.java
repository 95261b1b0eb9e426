package io.dpsagent.hsm.tpm;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * swtpm over TCP: raw TPM commands on the data port, swtpm's own control protocol on the control
 * port ({@code port + 1}).
 *
 * <p>TSS.Java's {@code TpmDeviceTcp} speaks the Microsoft simulator's platform protocol on the
 * second port; swtpm reads those signals as different control commands (one of them shuts swtpm
 * down), so swtpm gets this device instead. swtpm serves one data connection at a time: keep one
 * device open per swtpm.
 */
public class SwtpmTcpDevice extends tss.TpmDevice {

  // swtpm control commands (swtpm's tpm_ioctl.h); each answer starts with a u32 result.
  private static final int CMD_INIT = 2;
  private static final int CMD_SHUTDOWN = 3;
  private static final int CMD_SET_LOCALITY = 5;
  private static final int CMD_STOP = 14;

  static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  /** Generous: creating an RSA primary key takes tens of seconds on slow hardware TPMs. */
  static final int READ_TIMEOUT_MILLIS = 120_000;

  private final String host;
  private final int port;
  private final int controlPort;
  private Socket data;
  private DataInputStream in;
  private OutputStream out;
  private boolean pending;

  public SwtpmTcpDevice(String host, int port) {
    this.host = host;
    this.port = port;
    this.controlPort = port + 1;
  }

  /** Opens the data connection; unlike {@link #connect()} it says why it failed. */
  public void open() throws IOException {
    if (data != null) {
      return;
    }
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      socket.setTcpNoDelay(true);
      in = new DataInputStream(socket.getInputStream());
      out = socket.getOutputStream();
      data = socket;
    } catch (IOException e) {
      socket.close();
      throw e;
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
    if (data != null) {
      try {
        data.close();
      } catch (IOException ignored) {
        // closing a socket we are done with: nothing to recover
      }
      data = null;
    }
  }

  @Override
  public void dispatchCommand(byte[] command) {
    requireOpen();
    try {
      out.write(command);
      out.flush();
      pending = true;
    } catch (IOException e) {
      throw new UncheckedIOException("sending a command to swtpm at " + host + ":" + port + " failed", e);
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
      byte[] header = new byte[TpmResponses.HEADER_SIZE];
      in.readFully(header);
      byte[] response = Arrays.copyOf(header, TpmResponses.announcedSize(header));
      in.readFully(response, header.length, response.length - header.length);
      return response;
    } catch (IOException e) {
      throw new UncheckedIOException("reading a response from swtpm at " + host + ":" + port + " failed", e);
    }
  }

  @Override
  public boolean responseReady() {
    requireOpen();
    try {
      return in.available() > 0;
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
  public void shutdownSwtpm() {
    control(CMD_SHUTDOWN, new byte[0]);
  }

  /**
   * Sends one control message and returns swtpm's result code. swtpm reads a control message with a
   * single recv(), so the command and its payload go out in one write.
   */
  private void control(int command, byte[] payload) {
    try (Socket ctrl = new Socket()) {
      ctrl.connect(new InetSocketAddress(host, controlPort), CONNECT_TIMEOUT_MILLIS);
      ctrl.setSoTimeout(READ_TIMEOUT_MILLIS);
      ctrl.setTcpNoDelay(true);
      ByteBuffer message = ByteBuffer.allocate(4 + payload.length).putInt(command).put(payload);
      OutputStream ctrlOut = ctrl.getOutputStream();
      ctrlOut.write(message.array());
      ctrlOut.flush();
      int result = new DataInputStream(ctrl.getInputStream()).readInt();
      if (result != 0) {
        throw new IllegalStateException(String.format(
            "swtpm control command %d at %s:%d failed with result 0x%X", command, host, controlPort, result));
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
