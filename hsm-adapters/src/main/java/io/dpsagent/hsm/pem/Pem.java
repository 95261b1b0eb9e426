package io.dpsagent.hsm.pem;

import io.dpsagent.common.AtomicFiles;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * The one PEM reader (and writer) of the project, on BouncyCastle's {@link PEMParser}: certificate
 * chains, trust bundles and private keys of the agent, the key adapters and the emulator.
 *
 * <p>Objects of other kinds are skipped, so a file holding a chain and its key serves as either.
 * Text around the PEM blocks is ignored. Errors never carry the content: it may be a key.
 */
public final class Pem {

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
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object item = next(parser); item != null; item = next(parser)) {
        if (item instanceof X509CertificateHolder holder) {
          certificates.add(converter.getCertificate(holder));
        }
      }
    }
    return certificates;
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
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object item = next(parser); item != null; item = next(parser)) {
        if (item instanceof PrivateKeyInfo info) {
          return Optional.of(jdkKey(info));
        }
        if (item instanceof PEMKeyPair pair) {
          return Optional.of(jdkKey(pair.getPrivateKeyInfo()));
        }
        if (item instanceof PKCS8EncryptedPrivateKeyInfo || item instanceof PEMEncryptedKeyPair) {
          throw new EncryptedKeyException();
        }
      }
    }
    return Optional.empty();
  }

  /** {@code certificate} as one PEM block. */
  public static String encode(X509Certificate certificate) throws IOException {
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
      writer.writeObject(certificate);
    }
    return pem.toString();
  }

  /** Replaces {@code file} with {@code certificate} as PEM, atomically, owner-only. */
  public static void writeCertificate(Path file, X509Certificate certificate) throws IOException {
    AtomicFiles.write(
        file, encode(certificate).getBytes(StandardCharsets.US_ASCII), AtomicFiles.OWNER_ONLY);
  }

  // The text is in memory, so any failure is the content's. BouncyCastle reports a missing END
  // line as an IOException and bad base64 or DER partly as unchecked exceptions: one kind for all.
  private static Object next(PEMParser parser) throws MalformedPemException {
    try {
      return parser.readObject();
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      throw new MalformedPemException(e);
    }
  }

  /**
   * The same key as a JDK key object. Once BouncyCastle is registered (TSS.Java registers it), the
   * PEM converter returns BouncyCastle keys that call themselves "ECDSA"; JSSE and SunEC expect the
   * JDK's own "EC" keys.
   */
  private static PrivateKey jdkKey(PrivateKeyInfo info)
      throws IOException, GeneralSecurityException {
    PrivateKey key = new JcaPEMKeyConverter().getPrivateKey(info);
    String algorithm =
        key instanceof ECKey ? "EC" : key instanceof RSAKey ? "RSA" : key.getAlgorithm();
    return KeyFactory.getInstance(algorithm)
        .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
  }

  /** A PEM block whose base64 or DER content is damaged. */
  public static final class MalformedPemException extends IOException {
    private static final long serialVersionUID = 1L;

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
