package io.dpsagent.hsm.pem;

import io.dpsagent.common.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one PEM reader (and writer) of the project: certificate chains, trust bundles and private
 * keys of the agent, the key adapters and the emulator.
 *
 * <p>Certificates and PKCS#8 keys are read by the JDK ({@link CertificateFactory}, {@link
 * KeyFactory}); BouncyCastle, some 150 classes to load, is asked only for OpenSSL's traditional key
 * forms ({@link BouncyCastleKeys}). Blocks of other kinds are skipped, so a file holding a chain
 * and its key serves as either. Text around the PEM blocks is ignored. Errors never carry the
 * content: it may be a key.
 */
public final class Pem {

  /** Labels of X.509 certificate blocks (the second is an old OpenSSL spelling). */
  private static final Set<String> CERTIFICATE = Set.of("CERTIFICATE", "X509 CERTIFICATE");

  private static final Set<String> TRADITIONAL_KEY =
      Set.of("RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY");

  private Pem() {}

  /**
   * Every certificate of {@code file}, in file order; empty when it holds none.
   *
   * @throws java.nio.file.NoSuchFileException if there is no such file
   * @throws MalformedPemException if a PEM block is damaged
   * @throws CertificateException if a certificate block is not a valid certificate
   */
  public static List<X509Certificate> readCertificates(Path file)
      throws IOException, CertificateException {
    // ISO-8859-1 maps every byte: a comment in another charset must not make the file unreadable.
    return certificates(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
  }

  /** As {@link #readCertificates(Path)}, from text. */
  public static List<X509Certificate> certificates(String pem)
      throws IOException, CertificateException {
    List<X509Certificate> certificates = new ArrayList<>();
    CertificateFactory factory = null;
    for (PemBlock block : PemBlock.all(pem)) {
      if (CERTIFICATE.contains(block.label())) {
        byte[] der = block.der();
        if (!Der.isOneSequence(der)) {
          throw new MalformedPemException();
        }
        factory = factory == null ? CertificateFactory.getInstance("X.509") : factory;
        certificates.add(certificate(factory, der));
      }
    }
    return certificates;
  }

  private static X509Certificate certificate(CertificateFactory factory, byte[] der)
      throws CertificateException {
    try {
      return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
    } catch (RuntimeException e) { // the JDK's parser is not fuzz-proof on every release
      throw new CertificateException("not a valid certificate");
    }
  }

  /**
   * As {@link #readCertificates(Path)}, for callers content with one wording: at least one
   * certificate, else an {@link IOException} whose message names the file.
   */
  public static List<X509Certificate> requireCertificates(Path file) throws IOException {
    List<X509Certificate> certificates;
    try {
      certificates = readCertificates(file);
    } catch (CertificateException | MalformedPemException e) {
      throw new IOException(file + ": unreadable certificate", e);
    }
    if (certificates.isEmpty()) {
      throw new IOException(file + ": no PEM certificate found");
    }
    return certificates;
  }

  /**
   * As {@link #readPrivateKey(Path)}, with an {@link IOException} naming the file when there is
   * none.
   */
  public static PrivateKey requirePrivateKey(Path file) throws IOException {
    try {
      return readPrivateKey(file)
          .orElseThrow(() -> new IOException(file + ": no unencrypted PEM private key found"));
    } catch (GeneralSecurityException | MalformedPemException e) {
      throw new IOException(file + ": no unencrypted PEM private key found", e);
    }
  }

  /** The first private key of {@code file}; see {@link #privateKey(String)}. */
  public static Optional<PrivateKey> readPrivateKey(Path file)
      throws IOException, GeneralSecurityException {
    return privateKey(Files.readString(file, StandardCharsets.ISO_8859_1));
  }

  /**
   * The first private key of the text, PKCS#8 ({@code PRIVATE KEY}) or OpenSSL's traditional RSA/EC
   * form, as a JDK key object; empty when it holds none.
   *
   * @throws EncryptedKeyException if the first key is encrypted
   * @throws MalformedPemException if a PEM block is damaged
   */
  public static Optional<PrivateKey> privateKey(String pem)
      throws IOException, GeneralSecurityException {
    for (PemBlock block : PemBlock.all(pem)) {
      if (block.label().equals("PRIVATE KEY")) {
        return Optional.of(pkcs8(block));
      }
      if (block.label().equals("ENCRYPTED PRIVATE KEY")
          || TRADITIONAL_KEY.contains(block.label()) && encrypted(block)) {
        throw new EncryptedKeyException();
      }
      if (TRADITIONAL_KEY.contains(block.label())) {
        return Optional.of(BouncyCastleKeys.read(block));
      }
    }
    return Optional.empty();
  }

  private static PrivateKey pkcs8(PemBlock block) throws IOException, GeneralSecurityException {
    byte[] der = block.der();
    Optional<String> algorithm = Der.pkcs8Algorithm(der);
    if (algorithm.isEmpty()) {
      return BouncyCastleKeys.read(block);
    }
    KeyFactory keys = KeyFactory.getInstance(algorithm.get());
    try {
      return keys.generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (RuntimeException e) { // as for certificates: damaged input is a checked failure
      throw new InvalidKeySpecException("not a valid " + algorithm.get() + " private key");
    }
  }

  /** OpenSSL's encrypted traditional form: {@code Proc-Type: 4,ENCRYPTED} and a DEK-Info. */
  private static boolean encrypted(PemBlock block) {
    return block.headers().stream()
        .anyMatch(h -> h.replace(" ", "").equalsIgnoreCase("Proc-Type:4,ENCRYPTED"));
  }

  /** {@code certificate} as one PEM block. */
  public static String encode(X509Certificate certificate) throws IOException {
    try {
      return PemBlock.encode("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IOException("cannot encode the certificate", e);
    }
  }

  /** Replaces {@code file} with {@code certificate} as PEM, atomically, owner-only. */
  public static void writeCertificate(Path file, X509Certificate certificate) throws IOException {
    AtomicFiles.write(
        file, encode(certificate).getBytes(StandardCharsets.US_ASCII), AtomicFiles.OWNER_ONLY);
  }

  /** A PEM block whose base64 or DER content is damaged. */
  public static final class MalformedPemException extends IOException {
    private static final long serialVersionUID = 1L;

    MalformedPemException() {
      super("malformed PEM block");
    }

    MalformedPemException(Throwable cause) {
      super("malformed PEM block", cause);
    }
  }

  /** A private key that is encrypted; the project reads unencrypted keys only. */
  public static final class EncryptedKeyException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    EncryptedKeyException() {
      super("the private key is encrypted");
    }
  }
}
