package io.dpsagent.bench;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * One client TLS context on BoringSSL for every simulated device: TLS 1.2 and 1.3, the emulator's
 * CA as the only anchor, host name checked, and no client session cache, so no connection can
 * resume another's session (each pays the full handshake a device that just booted pays).
 */
final class NativeTls {

  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private final SslContext context;
  private final CountingTrustManager trust;

  private NativeTls(SslContext context, CountingTrustManager trust) {
    this.context = context;
    this.trust = trust;
  }

  static NativeTls trusting(Path caFile) throws IOException, GeneralSecurityException {
    if (!OpenSsl.isAvailable()) {
      throw new IllegalStateException(
          "BoringSSL (netty-tcnative) did not load: " + OpenSsl.unavailabilityCause());
    }
    CountingTrustManager trust = new CountingTrustManager(jdkTrustManager(caFile));
    SslContext context =
        SslContextBuilder.forClient()
            .sslProvider(SslProvider.OPENSSL)
            .protocols(PROTOCOLS)
            .trustManager(trust)
            .endpointIdentificationAlgorithm("HTTPS")
            .build();
    ((OpenSslSessionContext) context.sessionContext()).setSessionCacheEnabled(false);
    return new NativeTls(context, trust);
  }

  SslContext context() {
    return context;
  }

  /** Server chains verified so far: one per full handshake. */
  int verifiedChains() {
    return trust.verified();
  }

  private static X509ExtendedTrustManager jdkTrustManager(Path caFile)
      throws IOException, GeneralSecurityException {
    for (TrustManager m : Trust.trustManagers(caFile)) {
      if (m instanceof X509ExtendedTrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager for " + caFile);
  }
}
