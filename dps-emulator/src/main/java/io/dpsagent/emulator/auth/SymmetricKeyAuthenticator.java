package io.dpsagent.emulator.auth;

import io.dpsagent.emulator.registry.Enrollment;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.Registry;
import io.dpsagent.emulator.registry.SymmetricKeyAttestation;
import io.dpsagent.hsm.software.SoftwareSymmetricKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks a device's SAS token and finds the enrollment whose key signed it.
 *
 * <p>An individual enrollment for the registration ID takes precedence: when one exists, only its
 * keys count. Otherwise every symmetric-key enrollment group is tried with the device key it
 * derives for this registration ID.
 */
public final class SymmetricKeyAuthenticator {

  private static final String KEY_NAME = "registration";

  private final Registry registry;
  private final Duration clockSkew;

  /**
   * @param clockSkew how long after its expiry a token is still accepted, for devices whose clock
   *     runs slightly behind
   */
  public SymmetricKeyAuthenticator(Registry registry, Duration clockSkew) {
    if (clockSkew.isNegative()) {
      throw new IllegalArgumentException("clock skew is negative");
    }
    this.registry = registry;
    this.clockSkew = clockSkew;
  }

  /**
   * Returns the enrollment that authenticates {@code registrationId} in {@code idScope}.
   *
   * @param authorization the Authorization header, if the request had one
   */
  public Enrollment authenticate(
      String idScope, String registrationId, Optional<String> authorization, Instant now)
      throws AuthenticationException {
    SasToken token = parse(authorization);
    checkClaims(token, idScope, registrationId, now);
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

  private static SasToken parse(Optional<String> authorization) throws AuthenticationException {
    if (authorization.isEmpty()) {
      throw new AuthenticationException("no Authorization header");
    }
    try {
      return SasToken.parse(authorization.get());
    } catch (InvalidSasTokenException e) {
      throw new AuthenticationException("malformed SAS token: " + e.getMessage());
    }
  }

  private void checkClaims(SasToken token, String idScope, String registrationId, Instant now)
      throws AuthenticationException {
    String expected = (idScope + "/registrations/" + registrationId).toLowerCase(Locale.ROOT);
    if (!token.resource().toLowerCase(Locale.ROOT).equals(expected)) {
      throw new AuthenticationException("SAS token is for another resource");
    }
    Optional<String> keyName = token.keyName();
    if (keyName.isPresent() && !keyName.get().isEmpty() && !keyName.get().equals(KEY_NAME)) {
      throw new AuthenticationException("SAS token names an unknown key");
    }
    if (token.expiryEpochSeconds() < now.minus(clockSkew).getEpochSecond()) {
      throw new AuthenticationException("SAS token expired");
    }
  }

  private static boolean isSignedByAnyKey(
      SasToken token, Enrollment enrollment, String registrationId) {
    if (!(enrollment.attestation() instanceof SymmetricKeyAttestation attestation)) {
      return false;
    }
    SymmetricKeyAttestation deviceKeys =
        enrollment instanceof EnrollmentGroup
            ? attestation.deriveForDevice(registrationId)
            : attestation;
    for (SoftwareSymmetricKey key : deviceKeys.keys()) {
      if (token.isSignedWith(key)) {
        return true;
      }
    }
    return false;
  }
}
