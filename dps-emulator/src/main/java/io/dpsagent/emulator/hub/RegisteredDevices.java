package io.dpsagent.emulator.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.emulator.auth.AuthenticationException;
import io.dpsagent.emulator.auth.X509Authenticator;
import io.dpsagent.emulator.issuance.CertificateIssuer;
import io.dpsagent.emulator.registry.Attestation;
import io.dpsagent.emulator.registry.Enrollment;
import io.dpsagent.emulator.registry.RegistrationRecord;
import io.dpsagent.emulator.registry.Registry;
import io.dpsagent.emulator.registry.SymmetricKeyMechanism;
import io.dpsagent.emulator.registry.X509Mechanism;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The hub identities DPS created, read from the registry: a device is on the hub its last
 * registration record names, with the credential of that registration. A symmetric-key device holds
 * its enrollment's keys (derived from the group's keys for a group), a TPM device the key DPS sent
 * in its activation blob, and an X.509 device is judged by the rule DPS authenticated it with. As
 * the credential comes from the enrollment, deleting the enrollment also ends hub access; real IoT
 * Hub keeps the identity, but the emulator has no other copy of its keys.
 */
public final class RegisteredDevices implements HubDirectory {

  private final Registry registry;
  private final X509Authenticator x509;
  private final Clock clock;
  private final Optional<CertificateIssuer> issuer;

  public RegisteredDevices(Registry registry, Clock clock) {
    this(registry, clock, Optional.empty());
  }

  /**
   * @param issuer when present, a device whose last registration was issued a certificate is
   *     authenticated by that certificate (any still valid one the issuer made for it)
   */
  public RegisteredDevices(Registry registry, Clock clock, Optional<CertificateIssuer> issuer) {
    this.registry = registry;
    this.x509 = new X509Authenticator(registry);
    this.clock = clock;
    this.issuer = issuer;
  }

  @Override
  public Optional<HubDevice> device(String hubHostName, String deviceId) {
    return registry.registrations().stream()
        .filter(record -> record.deviceId().equals(deviceId))
        .filter(record -> record.assignedHub().equalsIgnoreCase(hubHostName))
        .findFirst()
        .flatMap(
            record ->
                credential(record)
                    .map(credential -> new HubDevice(deviceId, credential, desired(record))));
  }

  private Optional<HubCredential> credential(RegistrationRecord record) {
    String registrationId = record.registrationId();
    if (issuer.filter(i -> i.holdsIssued(registrationId)).isPresent()) {
      return Optional.of(
          new HubCredential.ClientCertificate(
              chain -> issuer.get().issuedTo(registrationId, chain)));
    }
    if (record.tpmDeviceKey().isPresent()) {
      return Optional.of(new HubCredential.SymmetricKeys(List.of(record.tpmDeviceKey().get())));
    }
    Optional<? extends Enrollment> enrollment =
        record.enrollmentGroupId().isPresent()
            ? registry.enrollmentGroup(record.enrollmentGroupId().get())
            : registry.individualEnrollment(record.registrationId());
    return enrollment.flatMap(e -> credential(record, e));
  }

  private Optional<HubCredential> credential(RegistrationRecord record, Enrollment enrollment) {
    Attestation attestation = enrollment.attestation();
    if (attestation instanceof SymmetricKeyMechanism keys) {
      SymmetricKeyMechanism deviceKeys =
          record.enrollmentGroupId().isPresent()
              ? keys.deriveForDevice(record.registrationId())
              : keys;
      return Optional.of(new HubCredential.SymmetricKeys(deviceKeys.keys()));
    }
    if (attestation instanceof X509Mechanism) {
      return Optional.of(
          new HubCredential.ClientCertificate(chain -> sameEnrollment(record, enrollment, chain)));
    }
    return Optional.empty(); // a TPM record without its key: restored from an older state file
  }

  private boolean sameEnrollment(
      RegistrationRecord record, Enrollment enrollment, List<X509Certificate> chain) {
    try {
      Enrollment matched =
          x509.authenticate(record.registrationId(), chain, clock.instant()).enrollment();
      return matched.enrollmentGroupId().equals(enrollment.enrollmentGroupId());
    } catch (AuthenticationException e) {
      return false;
    }
  }

  private static Optional<ObjectNode> desired(RegistrationRecord record) {
    return record
        .initialTwin()
        .map(twin -> twin.path("properties").path("desired"))
        .filter(JsonNode::isObject)
        .map(ObjectNode.class::cast);
  }
}
