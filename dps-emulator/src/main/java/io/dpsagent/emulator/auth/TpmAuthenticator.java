package io.dpsagent.emulator.auth;

import io.dpsagent.emulator.crypto.HmacKey;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.RegistrationIdRules;
import io.dpsagent.emulator.registry.Registry;
import io.dpsagent.emulator.registry.TpmMechanism;
import io.dpsagent.emulator.tpm.ActivationBlobBuilder;
import io.dpsagent.emulator.tpm.TpmPublic;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * TPM attestation, as DPS runs it over HTTPS. A device first registers without a SAS token, sending
 * its EK and SRK; if the EK is the enrolled one, it gets an activation blob carrying a fresh nonce
 * key that only its TPM can load. It then signs SAS tokens with that key inside the TPM.
 *
 * <p>Each challenge replaces the previous one for its registration ID: tokens are checked against
 * the newest nonce key only, and like any SAS token are good until their expiry.
 */
public final class TpmAuthenticator {

  private static final int NONCE_KEY_BYTES = 32;
  // Bounds memory on a long-running emulator; the oldest challenges are forgotten first.
  private static final int CAPACITY = 100_000;

  private final Registry registry;
  private final DeviceSasRules rules;
  private final ActivationBlobBuilder blobs = new ActivationBlobBuilder();
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Challenge> challenges =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Challenge> eldest) {
          return size() > CAPACITY;
        }
      };

  /** The nonce key sent to a device, and the keys it was encrypted to. */
  private record Challenge(HmacKey nonceKey, TpmPublic ek, TpmPublic srk) {}

  /**
   * @param clockSkew how long after its expiry a token is still accepted
   */
  public TpmAuthenticator(Registry registry, Duration clockSkew) {
    this.registry = registry;
    this.rules = new DeviceSasRules(clockSkew);
  }

  /** True if {@code registrationId} has an individual enrollment with TPM attestation. */
  public boolean isTpmRegistration(String registrationId) {
    return tpmEnrollment(registrationId).isPresent();
  }

  /**
   * Answers an unauthenticated register request: the activation blob for a new nonce key, which
   * becomes the only key this registration's SAS tokens are accepted with.
   *
   * @throws AuthenticationException if the registration has no TPM enrollment or the EK differs
   *     from the enrolled one (compared byte for byte)
   */
  public byte[] challenge(String registrationId, TpmPublic endorsementKey, TpmPublic storageRootKey)
      throws AuthenticationException {
    TpmMechanism attestation = enrolledAttestation(registrationId);
    if (!attestation.matches(endorsementKey)) {
      throw new AuthenticationException("endorsement key differs from the enrolled one");
    }
    byte[] nonceKey = new byte[NONCE_KEY_BYTES];
    random.nextBytes(nonceKey);
    byte[] blob = blobs.build(endorsementKey, storageRootKey, nonceKey);
    Challenge challenge = new Challenge(HmacKey.ofBytes(nonceKey), endorsementKey, storageRootKey);
    synchronized (challenges) {
      challenges.put(RegistrationIdRules.lookupKey(registrationId), challenge);
    }
    return blob;
  }

  /** Checks a SAS token against the newest challenge of {@code registrationId}. */
  public TpmMatch authenticate(
      String idScope, String registrationId, Optional<String> authorization, Instant now)
      throws AuthenticationException {
    ParsedSasToken token = rules.check(authorization, idScope, registrationId, now);
    IndividualEnrollment enrollment =
        tpmEnrollment(registrationId)
            .orElseThrow(() -> new AuthenticationException("no TPM enrollment"));
    Challenge challenge;
    synchronized (challenges) {
      challenge = challenges.get(RegistrationIdRules.lookupKey(registrationId));
    }
    if (challenge == null) {
      throw new AuthenticationException("no TPM challenge was issued to this registration");
    }
    // The enrollment may have been replaced since the challenge.
    if (!((TpmMechanism) enrollment.attestation()).matches(challenge.ek())) {
      throw new AuthenticationException("the enrolled endorsement key changed since the challenge");
    }
    if (!DeviceSasRules.isSignedByAny(token, List.of(challenge.nonceKey()))) {
      throw new AuthenticationException("signature does not match the newest TPM challenge");
    }
    return new TpmMatch(enrollment, challenge.ek(), challenge.srk());
  }

  /** An activation blob carrying {@code key} for the TPM of {@code match}. */
  public byte[] activationBlob(TpmMatch match, byte[] key) {
    return blobs.build(match.endorsementKey(), match.storageRootKey(), key);
  }

  private TpmMechanism enrolledAttestation(String registrationId) throws AuthenticationException {
    return (TpmMechanism)
        tpmEnrollment(registrationId)
            .orElseThrow(
                () -> new AuthenticationException("the enrollment does not use TPM attestation"))
            .attestation();
  }

  private Optional<IndividualEnrollment> tpmEnrollment(String registrationId) {
    return registry
        .individualEnrollment(registrationId)
        .filter(enrollment -> enrollment.attestation() instanceof TpmMechanism);
  }
}
