package io.dpsagent.hsm.tpm;

import io.dpsagent.hsm.HsmException;
import java.io.IOException;
import tss.Tpm;
import tss.TpmDevice;
import tss.tpm.TPM_SU;

/** Opens TSS.Java {@link Tpm}s from TCTI strings. */
final class Tpms {

  // Microsoft simulator platform signals (its TcpServer protocol).
  private static final int MSSIM_POWER_ON = 1;
  private static final int MSSIM_NV_ON = 11;
  private static final int MSSIM_SESSION_END = 20;

  private Tpms() {}

  /** {@link #open(TctiSpec, TpmTimeouts)} with {@link TpmTimeouts#defaults()}. */
  static Tpm open(TctiSpec tcti) throws HsmException {
    return open(tcti, TpmTimeouts.defaults());
  }

  /**
   * Connects to the TPM and sends {@code Startup(CLEAR)}; a TPM that is already started ({@code
   * TPM_RC_INITIALIZE}) is fine, as on every real machine after boot. Every connect and every
   * command of the returned TPM is bounded by {@code timeouts}.
   *
   * @throws HsmException naming the TCTI when the TPM cannot be reached, does not answer in time or
   *     does not start
   */
  static Tpm open(TctiSpec tcti, TpmTimeouts timeouts) throws HsmException {
    TpmDevice device = connect(tcti, timeouts);
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

  private static TpmDevice connect(TctiSpec tcti, TpmTimeouts timeouts) throws HsmException {
    try {
      switch (tcti.kind()) {
        case DEVICE -> {
          TpmCharacterDevice device = new TpmCharacterDevice(tcti.path(), timeouts);
          device.open();
          return device;
        }
        case SWTPM -> {
          SwtpmTcpDevice device = new SwtpmTcpDevice(tcti.host(), tcti.port(), timeouts);
          device.open();
          return device;
        }
        case MSSIM -> {
          powerOnSimulator(tcti, timeouts);
          MssimTcpDevice device = new MssimTcpDevice(tcti.host(), tcti.port(), timeouts);
          device.open();
          return device;
        }
        default -> throw new IllegalStateException("unknown TCTI kind " + tcti.kind());
      }
    } catch (TpmNoAnswerException e) {
      throw e.toHsmException();
    } catch (IOException e) {
      throw new HsmException(
          HsmException.Kind.UNAVAILABLE, "cannot reach the TPM at " + tcti + ": " + describe(e), e);
    }
  }

  /**
   * The simulator starts powered off; tpm2-tss's mssim TCTI powers it on and enables NV at every
   * connect, so this does the same (TSS.Java's own signal framing differs from the simulator's).
   */
  private static void powerOnSimulator(TctiSpec tcti, TpmTimeouts timeouts) throws IOException {
    String name = tcti + " (platform port " + tcti.controlPort() + ")";
    try (TpmSocket platform = TpmSocket.connect(name, tcti.host(), tcti.controlPort(), timeouts)) {
      for (int signal : new int[] {MSSIM_POWER_ON, MSSIM_NV_ON}) {
        platform.writeInt(signal);
        int result = platform.readInt(timeouts.forAnswer(name));
        if (result != 0) {
          throw new IOException("simulator platform signal " + signal + " failed with " + result);
        }
      }
      platform.writeInt(MSSIM_SESSION_END);
    }
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
