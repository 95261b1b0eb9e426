package io.dpsagent.emulator.auth;

import io.dpsagent.emulator.registry.Enrollment;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.Registry;
import io.dpsagent.emulator.registry.SymmetricKeyMechanism;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Checks a device's SAS token and finds the enrollment whose key signed it.
 *
 * <p>An individual enrollment for the registration ID takes precedence: when one exists, only its
 * keys count. Otherwise every symmetric-key enrollment group is tried with the device key it
 * derives for this registration ID.
 */
public final class SymmetricKeyAuthenticator {

  private final Registry registry;
  private final DeviceSasRules rules;

  /**
   * @param clockSkew how long after its expiry a token is still accepted, for devices whose clock
   *     runs slightly behind
   */
  public SymmetricKeyAuthenticator(Registry registry, Duration clockSkew) {
    this.rules = new DeviceSasRules(clockSkew);
    this.registry = registry;
  }

  /**
   * Returns the enrollment that authenticates {@code registrationId} in {@code idScope}.
   *
   * @param authorization the Authorization header, if the request had one
   */
  public Enrollment authenticate(
      String idScope, String registrationId, Optional<String> authorization, Instant now)
      throws AuthenticationException {
    ParsedSasToken token = rules.check(authorization, idScope, registrationId, now);
    Optional<IndividualEnrollment> individual = registry.individualEnrollment(registrationId);
    if (individual.isPresent()) {
      if (isSignedByAnyKey(token, individual.get(), registrationId)) {
        return individual.get();
      }
      throw new AuthenticationException("signature does not match the individual enrollment");
    }
    for (EnrollmentGroup group : registry.enrollmentGroups()) {
      if (isSignedByAnyKey(token, group, registrationId)) {
        return group;
      }
    }
    throw new AuthenticationException("no enrollment matches the signature");
  }

  private static boolean isSignedByAnyKey(
      ParsedSasToken token, Enrollment enrollment, String registrationId) {
    if (!(enrollment.attestation() instanceof SymmetricKeyMechanism attestation)) {
      return false;
    }
    SymmetricKeyMechanism deviceKeys =
        enrollment instanceof EnrollmentGroup
            ? attestation.deriveForDevice(registrationId)
            : attestation;
    return DeviceSasRules.isSignedByAny(token, deviceKeys.keys());
  }
}
