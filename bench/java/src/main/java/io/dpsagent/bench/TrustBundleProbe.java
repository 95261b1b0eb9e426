package io.dpsagent.bench;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.util.Collection;

/**
 * Prototype for docs/benchmarks.md: what reading a PEM trust bundle costs through the agent's
 * BouncyCastle-based {@code io.dpsagent.hsm.pem.Pem} against the JDK's own {@code
 * CertificateFactory}, which parses PEM certificates itself. Run with {@code -Xlog:class+load} on a
 * class path of the agent's jar and this one; the class counts are the figure.
 *
 * <p>Usage: {@code TrustBundleProbe pem|jdk CA_FILE}
 */
public final class TrustBundleProbe {
  private TrustBundleProbe() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[1]);
    Collection<?> certificates;
    if (args[0].equals("pem")) {
      // Reflection keeps this module free of a compile-time dependency on the agent.
      Method read =
          Class.forName("io.dpsagent.hsm.pem.Pem").getMethod("readCertificates", Path.class);
      certificates = (Collection<?>) read.invoke(null, file);
    } else {
      try (InputStream in = Files.newInputStream(file)) {
        certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
      }
    }
    System.out.println(certificates.size());
  }
}
