package io.dpsagent.hsm.keys;

import io.dpsagent.hsm.tpm.TpmSettings;
import io.dpsagent.hsm.tpm.TpmTimeouts;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What opening a key may need besides its reference: the PKCS#11 module for {@code pkcs11:} URIs
 * without {@code module-path}, the TPM's handles and hierarchy passwords, how long TPM I/O may wait
 * (and when to stop waiting), and where advice for the operator goes (a PIN written into a URI).
 *
 * @param pkcs11Module the module when a {@code pkcs11:} URI has no {@code module-path}
 * @param tpmSettings persistent handles and hierarchy authorisation values
 * @param tpmTimeouts bounds on every TPM connect and command, with the stop check
 * @param warnings receives one line per warning; never a secret
 */
public record KeyOptions(
    Optional<String> pkcs11Module,
    TpmSettings tpmSettings,
    TpmTimeouts tpmTimeouts,
    Consumer<String> warnings) {

  public KeyOptions {
    Objects.requireNonNull(pkcs11Module, "pkcs11Module");
    Objects.requireNonNull(tpmSettings, "tpmSettings");
    Objects.requireNonNull(tpmTimeouts, "tpmTimeouts");
    Objects.requireNonNull(warnings, "warnings");
  }

  /** No default module, the Azure TPM handles, default TPM timeouts, warnings dropped. */
  public static KeyOptions defaults() {
    return new KeyOptions(
        Optional.empty(), TpmSettings.defaults(), TpmTimeouts.defaults(), warning -> {});
  }

  public KeyOptions withPkcs11Module(Optional<String> module) {
    return new KeyOptions(module, tpmSettings, tpmTimeouts, warnings);
  }

  public KeyOptions withTpm(TpmSettings settings, TpmTimeouts timeouts) {
    return new KeyOptions(pkcs11Module, settings, timeouts, warnings);
  }

  public KeyOptions withWarnings(Consumer<String> sink) {
    return new KeyOptions(pkcs11Module, tpmSettings, tpmTimeouts, sink);
  }

  @Override
  public String toString() {
    return "KeyOptions[pkcs11Module=" + pkcs11Module.orElse("none") + ", " + tpmSettings + "]";
  }
}
