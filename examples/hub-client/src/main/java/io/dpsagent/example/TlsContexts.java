package io.dpsagent.example;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS for the hub connection: whom to trust, and the device certificate for X.509. */
final class TlsContexts {

  private static final char[] NO_PASSWORD = new char[0];

  private TlsContexts() {}

  /**
   * @param caFile PEM certificates to trust instead of the JDK's (a local emulator's CA); empty for
   *     the JDK's trust store, as for a real hub
   * @param certificateFile with {@code keyFile}, the client certificate chain for X.509 devices
   */
  static SSLContext create(
      Optional<Path> caFile, Optional<Path> certificateFile, Optional<Path> keyFile)
      throws IOException, GeneralSecurityException {
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (caFile.isPresent()) {
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      int n = 0;
      for (Certificate certificate : certificates(caFile.get())) {
        anchors.setCertificateEntry("ca-" + n++, certificate);
      }
      trust.init(anchors);
    } else {
      trust.init((KeyStore) null);
    }
    KeyManagerFactory keys = null;
    if (certificateFile.isPresent() && keyFile.isPresent()) {
      KeyStore identity = KeyStore.getInstance("PKCS12");
      identity.load(null, null);
      identity.setKeyEntry(
          "device",
          privateKey(keyFile.get()),
          NO_PASSWORD,
          certificates(certificateFile.get()).toArray(Certificate[]::new));
      keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(identity, NO_PASSWORD);
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
    return context;
  }

  private static java.util.Collection<? extends Certificate> certificates(Path file)
      throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in);
    }
  }

  /** A PKCS#8 PEM key ({@code BEGIN PRIVATE KEY}), EC or RSA. */
  private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new IOException(file + ": not a PKCS#8 PEM private key (BEGIN PRIVATE KEY)");
    }
    byte[] der =
        Base64.getMimeDecoder().decode(pem.substring(begin + 27, end).replaceAll("\\s", ""));
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : new String[] {"EC", "RSA"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (java.security.spec.InvalidKeySpecException e) {
        // try the next algorithm
      }
    }
    throw new IOException(file + ": neither an EC nor an RSA key");
  }
}
