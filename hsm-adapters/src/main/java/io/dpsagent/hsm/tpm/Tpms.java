package io.dpsagent.hsm.tpm;

import io.dpsagent.hsm.HsmException;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import tss.Tpm;
import tss.TpmDevice;
import tss.TpmDeviceTcp;
import tss.tpm.TPM_SU;

/** Opens TSS.Java {@link Tpm}s from TCTI strings. */
public final class Tpms {

  // Microsoft simulator platform signals (its TcpServer protocol).
  private static final int MSSIM_POWER_ON = 1;
  private static final int MSSIM_NV_ON = 11;
  private static final int MSSIM_SESSION_END = 20;

  private Tpms() {}

  /**
   * Connects to the TPM and sends {@code Startup(CLEAR)}; a TPM that is already started
   * ({@code TPM_RC_INITIALIZE}) is fine, as on every real machine after boot.
   *
   * @throws HsmException naming the TCTI when the TPM cannot be reached or does not start
   */
  public static Tpm open(TctiSpec tcti) throws HsmException {
    TpmDevice device = connect(tcti);
    Tpm tpm = new Tpm();
    tpm._setDevice(device);
    boolean started = false;
    try {
      int rc = new TpmConnection(tcti, tpm).tryRun("Startup(CLEAR)", t -> t.Startup(TPM_SU.CLEAR));
      if (rc != TpmResponseCode.SUCCESS && rc != TpmResponseCode.INITIALIZE) {
        throw new TpmException("Startup(CLEAR) at " + tcti, new TpmResponseCode(rc));
      }
      tpm._setCallback(null);
      started = true;
      return tpm;
    } finally {
      if (!started) {
        device.close();
      }
    }
  }

  private static TpmDevice connect(TctiSpec tcti) throws HsmException {
    try {
      switch (tcti.kind()) {
        case DEVICE -> {
          TpmCharacterDevice device = new TpmCharacterDevice(tcti.path());
          device.open();
          return device;
        }
        case SWTPM -> {
          SwtpmTcpDevice device = new SwtpmTcpDevice(tcti.host(), tcti.port());
          device.open();
          return device;
        }
        case MSSIM -> {
          powerOnSimulator(tcti);
          TpmDeviceTcp device = new TpmDeviceTcp(tcti.host(), tcti.port());
          if (!device.connect()) {
            throw new IOException("connection refused");
          }
          return device;
        }
        default -> throw new IllegalStateException("unknown TCTI kind " + tcti.kind());
      }
    } catch (IOException e) {
      throw new HsmException(HsmException.Kind.UNAVAILABLE, "cannot reach the TPM at " + tcti + ": " + describe(e), e);
    }
  }

  /**
   * The simulator starts powered off; tpm2-tss's mssim TCTI powers it on and enables NV at every
   * connect, so this does the same (TSS.Java's own signal framing differs from the simulator's).
   */
  private static void powerOnSimulator(TctiSpec tcti) throws IOException {
    try (Socket platform = new Socket()) {
      platform.connect(new InetSocketAddress(tcti.host(), tcti.controlPort()),
          SwtpmTcpDevice.CONNECT_TIMEOUT_MILLIS);
      platform.setSoTimeout(SwtpmTcpDevice.READ_TIMEOUT_MILLIS);
      OutputStream out = platform.getOutputStream();
      DataInputStream in = new DataInputStream(platform.getInputStream());
      for (int signal : new int[] {MSSIM_POWER_ON, MSSIM_NV_ON}) {
        out.write(ByteBuffer.allocate(4).putInt(signal).array());
        out.flush();
        int result = in.readInt();
        if (result != 0) {
          throw new IOException("simulator platform signal " + signal + " failed with " + result);
        }
      }
      out.write(ByteBuffer.allocate(4).putInt(MSSIM_SESSION_END).array());
      out.flush();
    }
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
