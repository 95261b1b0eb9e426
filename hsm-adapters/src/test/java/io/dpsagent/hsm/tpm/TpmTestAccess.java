package io.dpsagent.hsm.tpm;

import io.dpsagent.hsm.HsmException;
import tss.Tpm;

/**
 * What tests in other packages need from the TPM internals, which production code reaches only
 * through {@code Keys} and {@link TpmAttestor}: a raw TSS.Java connection (to hold swtpm busy or
 * look at it behind the agent's back) and a swtpm reset.
 */
public final class TpmTestAccess {

  private TpmTestAccess() {}

  /** A started TSS.Java TPM on the TCTI; close it when done. */
  public static Tpm open(TctiSpec tcti) throws HsmException {
    return Tpms.open(tcti);
  }

  /** A TPM reset (swtpm CMD_INIT) of the swtpm whose TPM port is {@code port}. */
  public static void powerCycleSwtpm(String host, int port) {
    new SwtpmTcpDevice(host, port).powerCycle();
  }
}
