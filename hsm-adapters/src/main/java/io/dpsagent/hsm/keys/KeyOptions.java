package io.dpsagent.hsm.keys;

import io.dpsagent.hsm.tpm.TctiSpec;
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
 * @param tpmTcti the TPM of {@code tpm:} URIs that name none
 * @param tpmSettings persistent handles and hierarchy authorisation values
 * @param tpmTimeouts bounds on every TPM connect and command, with the stop check
 * @param warnings receives one line per warning; never a secret
 */
public record KeyOptions(
    Optional<String> pkcs11Module,
    TctiSpec tpmTcti,
    TpmSettings tpmSettings,
    TpmTimeouts tpmTimeouts,
    Consumer<String> warnings) {

  public KeyOptions {
    Objects.requireNonNull(pkcs11Module, "pkcs11Module");
    Objects.requireNonNull(tpmTcti, "tpmTcti");
    Objects.requireNonNull(tpmSettings, "tpmSettings");
    Objects.requireNonNull(tpmTimeouts, "tpmTimeouts");
    Objects.requireNonNull(warnings, "warnings");
  }

  /**
   * No default module, the kernel's TPM resource manager with the Azure TPM handles, default TPM
   * timeouts, warnings dropped.
   */
  public static KeyOptions defaults() {
    return new KeyOptions(
        Optional.empty(),
        TctiSpec.parse(""),
        TpmSettings.defaults(),
        TpmTimeouts.defaults(),
        warning -> {});
  }

  public KeyOptions withPkcs11Module(Optional<String> module) {
    return new KeyOptions(module, tpmTcti, tpmSettings, tpmTimeouts, warnings);
  }

  public KeyOptions withTpm(TpmSettings settings, TpmTimeouts timeouts) {
    return new KeyOptions(pkcs11Module, tpmTcti, settings, timeouts, warnings);
  }

  /** The TPM of {@code tpm:} key URIs without {@code tcti=}: the config's {@code [tpm] tcti}. */
  public KeyOptions withTpmTcti(TctiSpec tcti) {
    return new KeyOptions(pkcs11Module, tcti, tpmSettings, tpmTimeouts, warnings);
  }

  public KeyOptions withWarnings(Consumer<String> sink) {
    return new KeyOptions(pkcs11Module, tpmTcti, tpmSettings, tpmTimeouts, sink);
  }

  @Override
  public String toString() {
    return "KeyOptions[pkcs11Module="
        + pkcs11Module.orElse("none")
        + ", tpm="
        + tpmTcti
        + ", "
        + tpmSettings
        + "]";
  }
}
