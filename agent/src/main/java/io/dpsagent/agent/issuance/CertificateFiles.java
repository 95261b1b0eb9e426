package io.dpsagent.agent.issuance;

import io.dpsagent.agent.config.CertificateIssuance;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.hsm.KeyUri;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an issued certificate's key and chain live. There are two places: the configured ones
 * ({@code key}, {@code output}) and an alternate pair, whose key location depends on the key's
 * home: a file beside the key ({@code device-key.alt.pem}), a token pair labelled {@code
 * <object>.alt}, or the TPM's {@code rotate_handle}; the chain is {@code device-cert.alt.pem}. A
 * rotated key is made, and its chain written, in the pair the set in use does not name, so that
 * {@code connection.json}, the last file of the new set, switches both at once; the old pair is
 * retired after (the file removed, the token pair destroyed, the TPM key evicted).
 *
 * @param key the certificate's key
 * @param chain the PEM chain, leaf first
 */
public record CertificateFiles(KeyUri key, Path chain) {

  static final String ALTERNATE = ".alt";

  public CertificateFiles {
    Objects.requireNonNull(key);
    Objects.requireNonNull(chain);
  }

  /** The configured key and chain file. */
  public static CertificateFiles configured(CertificateIssuance issuance, Path outputDir) {
    return new CertificateFiles(issuance.key(), issuance.chainFile(outputDir));
  }

  /**
   * The other pair: the chain file with {@code .alt} before its extension and the key's alternate
   * location (see {@link #alternateKey}).
   */
  public static CertificateFiles alternate(CertificateIssuance issuance, Path outputDir) {
    CertificateFiles configured = configured(issuance, outputDir);
    return new CertificateFiles(alternateKey(issuance), alternate(configured.chain()));
  }

  /**
   * Where a rotated key goes, by home: the key file with {@code .alt} before its extension, the
   * token label {@code object} + {@code .alt} (same token, module and PIN), or the same TPM at
   * {@code rotate_handle}. Without one (a TPM key without {@code rotate_handle}, a token key named
   * by {@code id=} alone, which the config refuses with {@code rotate_key}) it is the key itself.
   */
  static KeyUri alternateKey(CertificateIssuance issuance) {
    KeyUri key = issuance.key();
    return switch (key.scheme()) {
      case FILE -> KeyUri.ofFile(alternate(key.path()));
      case PKCS11 ->
          key.pkcs11().object() == null
              ? key
              : KeyUri.ofPkcs11(key.pkcs11().withObject(key.pkcs11().object() + ALTERNATE));
      case TPM ->
          issuance
              .rotateHandle()
              .map(handle -> KeyUri.ofTpm(key.tpm().withHandle(handle)))
              .orElse(key);
    };
  }

  /**
   * The pair the set {@code serving} uses: the alternate one when its {@code connection.json} names
   * it, else the configured one (a set of another key or from before issuance is not followed).
   */
  public static CertificateFiles inUse(
      CertificateIssuance issuance, Path outputDir, ConnectionInfo serving) {
    CertificateFiles alternate = alternate(issuance, outputDir);
    return alternate.namedBy(serving) ? alternate : configured(issuance, outputDir);
  }

  /** Where a renewal writes: in place for the same key, in the other pair for a rotated key. */
  public static CertificateFiles forRenewal(
      CertificateIssuance issuance, Path outputDir, ConnectionInfo serving) {
    CertificateFiles alternate = alternate(issuance, outputDir);
    boolean alternateInUse = alternate.namedBy(serving);
    if (!issuance.rotateKey()) {
      return alternateInUse ? alternate : configured(issuance, outputDir);
    }
    return alternateInUse ? configured(issuance, outputDir) : alternate;
  }

  /** The issuance configuration that makes a provisioning run use this pair. */
  public CertificateIssuance applyTo(CertificateIssuance issuance) {
    return issuance.at(key, chain);
  }

  /** Whether both name the same places. */
  public boolean samePlaces(CertificateFiles other) {
    return key.toString().equals(other.key.toString()) && chain.equals(other.chain);
  }

  /** Whether the set {@code serving} authenticates with this key and chain. */
  public boolean namedBy(ConnectionInfo serving) {
    return key.toString().equals(serving.hubAuth().references().get("privateKeyUri"))
        && serving.certificate().map(c -> c.file().equals(chain)).orElse(false);
  }

  private static Path alternate(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String alternate =
        dot > 0 ? name.substring(0, dot) + ALTERNATE + name.substring(dot) : name + ALTERNATE;
    return file.resolveSibling(alternate);
  }
}
