package io.dpsagent.hsm.testing;

import io.dpsagent.common.testing.SwtpmProcess;
import io.dpsagent.hsm.tpm.TctiSpec;
import io.dpsagent.hsm.tpm.TpmTestAccess;
import java.nio.file.Path;

/**
 * A private swtpm process ({@link SwtpmProcess}) with the conveniences of this module's TPM code:
 * its {@link TctiSpec} and a TPM reset.
 *
 * <p>Start one per test class (about 20 ms; {@link #startProvisioned()} about 1 s more). swtpm
 * serves one data connection at a time and has no resource manager, so tests sharing one instance
 * must run one after another and close their connections.
 */
public final class Swtpm implements AutoCloseable {

  private final SwtpmProcess process;

  private Swtpm(SwtpmProcess process) {
    this.process = process;
  }

  /** A factory-fresh TPM: no EK, no SRK, empty hierarchy passwords. */
  public static Swtpm start() {
    return new Swtpm(SwtpmProcess.start());
  }

  /**
   * A TPM provisioned as a vendor would: {@code swtpm_setup --create-ek-cert} persists the RSA EK
   * at 0x81010001 and stores its certificate (issued by a CA made in the test directory, never the
   * machine-wide swtpm-localca) in NV index 0x01C00002.
   */
  public static Swtpm startProvisioned() {
    return new Swtpm(SwtpmProcess.startProvisioned());
  }

  /** The TCTI string tests and the agent use to reach this TPM. */
  public TctiSpec tcti() {
    return TctiSpec.swtpm("127.0.0.1", process.port());
  }

  public int port() {
    return process.port();
  }

  public Path stateDirectory() {
    return process.stateDirectory();
  }

  /**
   * A TPM reset (swtpm CMD_INIT): transient objects and sessions are gone, persistent keys stay.
   */
  public void powerCycle() {
    TpmTestAccess.powerCycleSwtpm("127.0.0.1", process.port());
  }

  /** Asks swtpm to shut down, kills it if it does not, and deletes its state. */
  @Override
  public void close() {
    process.close();
  }

  @Override
  public String toString() {
    return "Swtpm[" + tcti() + "]";
  }
}
