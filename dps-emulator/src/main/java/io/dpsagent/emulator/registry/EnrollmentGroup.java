package io.dpsagent.emulator.registry;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * A family of devices that share a group key (each holding a key derived from it) or a signing CA
 * certificate. Immutable; the {@code with...} methods return copies.
 */
public record EnrollmentGroup(
    String id,
    Attestation attestation,
    ProvisioningStatus provisioningStatus,
    List<String> iotHubs,
    EnrollmentOptions options)
    implements Enrollment {

  public EnrollmentGroup {
    if (!RegistrationIdRules.isValidGroupId(id)) {
      throw new IllegalArgumentException(
          "invalid enrollment group ID: must be " + RegistrationIdRules.GROUP_ID_RULE);
    }
    if (attestation instanceof TpmMechanism) {
      throw new IllegalArgumentException("TPM attestation is for individual enrollments only");
    }
    iotHubs = List.copyOf(iotHubs);
    if (options == null) {
      throw new IllegalArgumentException("enrollment options are null");
    }
  }

  /** A group with {@link EnrollmentOptions#DEFAULTS}. */
  public EnrollmentGroup(
      String id,
      Attestation attestation,
      ProvisioningStatus provisioningStatus,
      List<String> iotHubs) {
    this(id, attestation, provisioningStatus, iotHubs, EnrollmentOptions.DEFAULTS);
  }

  /** An enabled group whose devices hold keys derived from {@code groupKeyBase64}. */
  public static EnrollmentGroup symmetricKey(String enrollmentGroupId, String groupKeyBase64) {
    return symmetricKey(enrollmentGroupId, groupKeyBase64, null);
  }

  /**
   * As {@link #symmetricKey(String, String)}, also accepting a secondary group key (may be null).
   */
  public static EnrollmentGroup symmetricKey(
      String enrollmentGroupId, String primaryKeyBase64, String secondaryKeyBase64) {
    return new EnrollmentGroup(
        enrollmentGroupId,
        SymmetricKeyMechanism.ofBase64(primaryKeyBase64, secondaryKeyBase64),
        ProvisioningStatus.ENABLED,
        List.of());
  }

  /**
   * An enabled group of the devices whose certificate chain leads to {@code signingCertificate} (a
   * root or intermediate CA certificate).
   */
  public static EnrollmentGroup x509(String enrollmentGroupId, X509Certificate signingCertificate) {
    return new EnrollmentGroup(
        enrollmentGroupId,
        X509Mechanism.of(signingCertificate),
        ProvisioningStatus.ENABLED,
        List.of());
  }

  public EnrollmentGroup withProvisioningStatus(ProvisioningStatus status) {
    return new EnrollmentGroup(id, attestation, status, iotHubs, options);
  }

  public EnrollmentGroup withOptions(EnrollmentOptions newOptions) {
    return new EnrollmentGroup(id, attestation, provisioningStatus, iotHubs, newOptions);
  }

  public EnrollmentGroup disabled() {
    return withProvisioningStatus(ProvisioningStatus.DISABLED);
  }

  public EnrollmentGroup withIotHubs(List<String> hubHostNames) {
    return new EnrollmentGroup(id, attestation, provisioningStatus, hubHostNames, options);
  }

  @Override
  public Optional<String> enrollmentGroupId() {
    return Optional.of(id);
  }

  @Override
  public String deviceIdFor(String registrationId) {
    return registrationId;
  }
}
