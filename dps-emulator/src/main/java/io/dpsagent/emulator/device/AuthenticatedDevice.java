package io.dpsagent.emulator.device;

import io.dpsagent.emulator.auth.TpmMatch;
import io.dpsagent.emulator.auth.X509Match;
import io.dpsagent.emulator.registry.Enrollment;
import java.util.Optional;

/**
 * A device whose credentials checked out.
 *
 * @param x509 how its certificate matched; empty unless an X.509 device
 * @param tpm the TPM keys of its challenge; empty unless a TPM device
 */
record AuthenticatedDevice(
    Enrollment enrollment, Optional<X509Match> x509, Optional<TpmMatch> tpm) {

  static AuthenticatedDevice symmetricKey(Enrollment enrollment) {
    return new AuthenticatedDevice(enrollment, Optional.empty(), Optional.empty());
  }

  static AuthenticatedDevice x509(X509Match match) {
    return new AuthenticatedDevice(match.enrollment(), Optional.of(match), Optional.empty());
  }

  static AuthenticatedDevice tpm(TpmMatch match) {
    return new AuthenticatedDevice(match.enrollment(), Optional.empty(), Optional.of(match));
  }
}
