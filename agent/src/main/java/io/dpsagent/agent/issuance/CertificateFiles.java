package io.dpsagent.agent.issuance;

import io.dpsagent.agent.config.CertificateIssuance;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.hsm.KeyUri;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an issued certificate's key and chain live. There are two places: the configured ones
 * ({@code key}, {@code output}) and, for a file key with {@code rotate_key}, an alternate pair
 * beside them ({@code device-key.alt.pem}, {@code device-cert.alt.pem}). A rotated key and its
 * chain are written to the pair the set in use does not name, so that {@code connection.json}, the
 * last file of the new set, switches both at once; the old pair is removed after.
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

  /** The other pair: the configured names with {@code .alt} before their extension. */
  public static CertificateFiles alternate(CertificateIssuance issuance, Path outputDir) {
    CertificateFiles configured = configured(issuance, outputDir);
    KeyUri key =
        issuance.key().scheme() == KeyUri.Scheme.FILE
            ? KeyUri.ofFile(alternate(issuance.key().path()))
            : issuance.key();
    return new CertificateFiles(key, alternate(configured.chain()));
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

  /** The file of a file key; empty for a key in a chip. */
  public Optional<Path> keyFile() {
    return key.isFile() ? Optional.of(key.path()) : Optional.empty();
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
