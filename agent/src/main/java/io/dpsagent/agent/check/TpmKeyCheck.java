package io.dpsagent.agent.check;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.config.X509Attestation;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.TpmKeyUri;
import io.dpsagent.hsm.pem.Pem;
import io.dpsagent.hsm.tpm.TctiSpec;
import io.dpsagent.hsm.tpm.TpmSigningKey;
import io.dpsagent.hsm.tpm.TpmSigningKeys;
import io.dpsagent.hsm.tpm.TpmTimeouts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code tpm-key}: each X.509 key the config keeps in the TPM ({@code identity_pk} or {@code
 * certificate_issuance.key} as {@code tpm:handle=...}) is persisted, is an unrestricted ECC P-256
 * or RSA 2048 signing key, cannot leave the TPM ({@code fixedTPM}, {@code fixedParent}, {@code
 * sensitiveDataOrigin}), and is the key its certificate certifies. Reads only: a missing key is
 * reported, not created.
 */
final class TpmKeyCheck extends NamedCheck {

  static final String ID = "tpm-key";

  /** One key to look at: the config key naming it, and the certificate file that must match it. */
  record TpmKey(String setting, TpmKeyUri uri, Optional<Path> certificate, boolean madeOnDemand) {}

  private final List<TpmKey> keys;
  private final TctiSpec defaultTcti;
  private final Duration timeout;

  private TpmKeyCheck(List<TpmKey> keys, TctiSpec defaultTcti, Duration timeout) {
    super(ID, List.of(TpmCheck.ID));
    this.keys = List.copyOf(keys);
    this.defaultTcti = defaultTcti;
    this.timeout = timeout;
  }

  static Optional<Check> of(AgentConfig config, Duration timeout) {
    List<TpmKey> keys = new ArrayList<>();
    if (config.provisioning().attestation() instanceof X509Attestation x509) {
      identityKey(x509.identity()).ifPresent(keys::add);
    }
    config
        .provisioning()
        .certificateIssuance()
        .filter(issuance -> issuance.key().scheme() == KeyUri.Scheme.TPM)
        .ifPresent(
            issuance ->
                keys.add(
                    new TpmKey(
                        "certificate_issuance.key",
                        issuance.key().tpm(),
                        Optional.of(issuance.chainFile(config.output().dir())),
                        true)));
    return keys.isEmpty()
        ? Optional.empty()
        : Optional.of(new TpmKeyCheck(keys, config.tpm().tcti(), timeout));
  }

  /** {@code identity_pk} when it is a TPM key, with {@code identity_cert} when that is a file. */
  private static Optional<TpmKey> identityKey(X509Attestation.Identity identity) {
    KeyUri key;
    Optional<KeyUri> chain;
    if (identity instanceof X509Attestation.PemFiles pem) {
      key = pem.privateKey();
      chain = Optional.of(pem.certificateChain());
    } else if (identity instanceof X509Attestation.TokenKey token) {
      key = token.privateKey();
      chain = token.certificateChain();
    } else {
      return Optional.empty();
    }
    return key.scheme() == KeyUri.Scheme.TPM
        ? Optional.of(
            new TpmKey(
                "identity_pk", key.tpm(), chain.filter(KeyUri::isFile).map(KeyUri::path), false))
        : Optional.empty();
  }

  @Override
  public Verdict run() {
    Verdict worst = Verdict.ok("");
    List<String> found = new ArrayList<>();
    for (TpmKey key : keys) {
      Verdict verdict = judge(key);
      worst = worst.worst(verdict);
      found.add(verdict.message());
    }
    return worst.status() == Status.OK ? Verdict.ok(String.join("; ", found)) : worst;
  }

  private Verdict judge(TpmKey key) {
    String named = key.setting() + " " + key.uri();
    TctiSpec tcti;
    try {
      tcti = key.uri().tcti().isPresent() ? TctiSpec.parse(key.uri().tcti().get()) : defaultTcti;
    } catch (IllegalArgumentException e) {
      return Verdict.error(
          AgentException.Kind.CONFIG, named + ": " + e.getMessage(), "correct the URI's tcti=");
    }
    String at = named + " (TPM at " + tcti + ")";
    Optional<TpmSigningKey> found;
    try {
      found = TpmSigningKeys.find(tcti, TpmTimeouts.of(timeout, timeout), key.uri().handle());
    } catch (HsmException e) {
      return Verdict.error(
          AgentException.hsm(e).kind(),
          e.getMessage(),
          e.kind() == HsmException.Kind.UNAVAILABLE
              ? TpmCheck.unreachableFix(tcti)
              : "name a signing key's handle, or evict the object there (tpm2_evictcontrol -C o -c "
                  + hex(key.uri().handle())
                  + ") and create one: dps-agent tpm keygen --handle "
                  + hex(key.uri().handle()));
    }
    if (found.isEmpty()) {
      return missing(key, at);
    }
    return judge(key, at, found.get());
  }

  private static Verdict missing(TpmKey key, String at) {
    String handle = hex(key.uri().handle());
    if (!key.madeOnDemand()) {
      return Verdict.error(
          AgentException.Kind.HSM,
          at + ": no key is persisted at " + handle,
          "create it (dps-agent tpm keygen --handle "
              + handle
              + "), have its CSR certified (dps-agent tpm csr) and install the certificate");
    }
    if (key.certificate().filter(Files::exists).isPresent()) {
      return Verdict.error(
          AgentException.Kind.HSM,
          at
              + ": no key is persisted at "
              + handle
              + ", but "
              + key.certificate().get()
              + " was issued for one (was the TPM cleared?)",
          "run dps-agent provision again: a new key is created there and certified");
    }
    return Verdict.ok(at + ": no key at " + handle + " yet: the first provisioning creates it");
  }

  private static Verdict judge(TpmKey key, String at, TpmSigningKey found) {
    String described =
        at + ": " + found.type() + " signing key (" + String.join("|", found.attributes()) + ")";
    if (!found.nonDuplicable()) {
      return Verdict.warning(
          described + " can leave the TPM: fixedTPM, fixedParent or sensitiveDataOrigin is not set",
          "create a new key with dps-agent tpm keygen, which sets them, and have it certified");
    }
    Optional<Path> certificate = key.certificate().filter(Files::exists);
    if (certificate.isEmpty()) {
      return Verdict.ok(described);
    }
    X509Certificate leaf;
    try {
      List<X509Certificate> chain = Pem.readCertificates(certificate.get());
      if (chain.isEmpty()) {
        throw new IOException("no PEM certificate");
      }
      leaf = chain.get(0);
    } catch (IOException | GeneralSecurityException e) {
      return Verdict.error(
          AgentException.Kind.CONFIG,
          at + ": the certificate file " + certificate.get() + " holds no readable PEM certificate",
          "install the certificate issued for this key");
    }
    if (!Arrays.equals(leaf.getPublicKey().getEncoded(), found.publicKey().getEncoded())) {
      return Verdict.error(
          AgentException.Kind.CONFIG,
          at + ": the certificate in " + certificate.get() + " certifies another key",
          key.madeOnDemand()
              ? "run dps-agent provision again: DPS issues a certificate for this key"
              : "install the certificate issued for this key's CSR (dps-agent tpm csr --handle "
                  + hex(key.uri().handle())
                  + ")");
    }
    return Verdict.ok(described + ", certified by " + certificate.get());
  }

  private static String hex(int handle) {
    return String.format("0x%08X", handle);
  }
}
