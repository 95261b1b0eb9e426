package io.dpsagent.agent.config;

import io.dpsagent.hsm.tpm.TctiSpec;
import io.dpsagent.hsm.tpm.TpmSettings;

/**
 * The {@code [tpm]} section: which TPM, and the handles and hierarchy authorisations to use.
 *
 * @param tcti the TPM connection, in tpm2-tss TCTI syntax
 * @param settings persistent handles and hierarchy authorisation values
 */
public record TpmConfig(TctiSpec tcti, TpmSettings settings) {

  public static TpmConfig defaults() {
    return new TpmConfig(TctiSpec.parse(""), TpmSettings.defaults());
  }

  @Override
  public String toString() {
    return "TpmConfig[" + tcti + "]"; // never the authorisation values
  }
}
