package io.dpsagent.emulator.registry;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * X.509 attestation. On an individual enrollment the certificates are the device's own (leaf)
 * certificates; on an enrollment group they are signing certificates (a root or intermediate CA)
 * that must appear in, or anchor, the chain the device presents.
 *
 * @param primary the certificate DPS matches first
 * @param secondary an optional second certificate, for rolling certificates over
 */
public record X509Mechanism(X509Certificate primary, Optional<X509Certificate> secondary)
    implements Attestation {

  public X509Mechanism {
    Objects.requireNonNull(primary, "primary certificate");
    Objects.requireNonNull(secondary, "secondary certificate");
  }

  /** An attestation with one certificate. */
  public static X509Mechanism of(X509Certificate primary) {
    return new X509Mechanism(primary, Optional.empty());
  }

  /** The certificates to match, primary first. */
  public List<X509Certificate> certificates() {
    List<X509Certificate> certificates = new ArrayList<>(2);
    certificates.add(primary);
    secondary.ifPresent(certificates::add);
    return certificates;
  }
}
