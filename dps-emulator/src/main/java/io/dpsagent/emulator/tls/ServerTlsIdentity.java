package io.dpsagent.emulator.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * What the emulator's TLS server presents, plus the certificate clients must trust to accept it.
 *
 * @param chain server certificate first, then any intermediates
 * @param trustAnchor the CA certificate written to {@code ca.pem} for clients
 */
public record ServerTlsIdentity(
    PrivateKey privateKey, List<X509Certificate> chain, X509Certificate trustAnchor) {

  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  // Netty hands the key to the TLS stack through an in-memory key store of this type. The default
  // (PKCS12) encrypts the key with 10,000 rounds of PBKDF2 and decrypts it again, about 0.2 s of a
  // cold start per context; JKS protects it with one cheap pass. The store never leaves the heap.
  private static final String KEY_STORE_TYPE = "JKS";

  public ServerTlsIdentity {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("certificate chain is empty");
    }
    chain = List.copyOf(chain);
  }

  /**
   * Loads a configured identity: a PEM chain (server certificate first) and its PEM private key.
   * Clients are told to trust the last certificate of the chain, so the chain should end with the
   * CA that issued it.
   */
  public static ServerTlsIdentity load(Path chainFile, Path keyFile) throws IOException {
    List<X509Certificate> chain = PemFiles.readCertificates(chainFile);
    return new ServerTlsIdentity(
        PemFiles.readPrivateKey(keyFile), chain, chain.get(chain.size() - 1));
  }

  /**
   * A Netty server context, TLS 1.2 and 1.3 only, on BoringSSL where its native library loads
   * (Linux x86-64 and aarch64) and on the JDK's TLS stack elsewhere: a full handshake costs the
   * JDK's Java EC code several times what it costs BoringSSL, and the emulator's capacity with a
   * new connection per device is bound by it (docs/benchmarks.md). It asks for a client certificate
   * without requiring one and lets any through: X.509 devices are verified against their
   * enrollments after the handshake (see {@link ClientCertificates}).
   */
  public SslContext newServerContext() throws SSLException {
    return SslContextBuilder.forServer(privateKey, chain)
        .sslProvider(provider())
        .protocols(PROTOCOLS)
        .clientAuth(ClientAuth.OPTIONAL)
        .trustManager(new AnyClientCertificateTrustManager())
        .keyStoreType(KEY_STORE_TYPE)
        .build();
  }

  /**
   * Loads the TLS stack that {@link #newServerContext()} will run on (for BoringSSL, its native
   * library), so that a start can do it ahead, on another thread.
   */
  public static void loadProvider() {
    provider();
  }

  /** BoringSSL when it is available, the JDK otherwise; {@code dps_emulator.tls=jdk} forces it. */
  static SslProvider provider() {
    boolean jdk = "jdk".equals(System.getProperty("dps_emulator.tls"));
    return !jdk && OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  @Override
  public String toString() {
    return "ServerTlsIdentity[" + chain.get(0).getSubjectX500Principal() + ", key redacted]";
  }
}
