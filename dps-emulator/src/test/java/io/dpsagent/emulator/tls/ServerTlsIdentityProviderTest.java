package io.dpsagent.emulator.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

/** Which TLS stack the emulator's servers run on; the handshakes themselves are tested per API. */
class ServerTlsIdentityProviderTest {

  private static final String PROPERTY = "dps_emulator.tls";

  @Test
  void onLinuxTheServerRunsOnBoringSslWithTls12And13Only() throws Exception {
    String os = System.getProperty("os.name");
    String arch = System.getProperty("os.arch");
    assumeTrue(os.equals("Linux") && List.of("amd64", "aarch64").contains(arch), os + " " + arch);
    assertTrue(OpenSsl.isAvailable(), "BoringSSL did not load: " + OpenSsl.unavailabilityCause());

    SSLEngine engine = newEngine();
    try {
      assertTrue(engine instanceof ReferenceCountedOpenSslEngine, engine.getClass().getName());
      assertEquals(
          List.of("TLSv1.2", "TLSv1.3"),
          List.of(engine.getEnabledProtocols()).stream()
              .filter(p -> !p.equals("SSLv2Hello"))
              .sorted()
              .toList());
      assertTrue(engine.getWantClientAuth(), "asks for a client certificate");
      assertFalse(engine.getNeedClientAuth(), "without requiring one");
    } finally {
      ReferenceCountUtil.release(engine);
    }
  }

  @Test
  void theJdkStackWhenAskedFor() throws Exception {
    System.setProperty(PROPERTY, "jdk");
    try {
      SSLEngine engine = newEngine();
      assertFalse(engine instanceof ReferenceCountedOpenSslEngine, engine.getClass().getName());
      assertTrue(engine.getWantClientAuth(), "asks for a client certificate");
    } finally {
      System.clearProperty(PROPERTY);
    }
  }

  private static SSLEngine newEngine() throws Exception {
    SslContext context =
        LocalCertificateAuthority.create().issueServerIdentity("localhost").newServerContext();
    return context.newEngine(ByteBufAllocator.DEFAULT);
  }
}
