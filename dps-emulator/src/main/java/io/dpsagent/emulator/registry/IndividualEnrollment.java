package io.dpsagent.emulator.registry;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * One device known by its registration ID. Immutable; the {@code with...} methods return copies.
 */
public record IndividualEnrollment(
    String registrationId,
    Optional<String> deviceId,
    Attestation attestation,
    ProvisioningStatus provisioningStatus,
    List<String> iotHubs,
    EnrollmentOptions options)
    implements Enrollment {

  public IndividualEnrollment {
    if (!RegistrationIdRules.isValid(registrationId)) {
      throw new IllegalArgumentException("invalid registration ID: " + registrationId);
    }
    deviceId.ifPresent(DeviceIds::require);
    iotHubs = List.copyOf(iotHubs);
    if (options == null) {
      throw new IllegalArgumentException("enrollment options are null");
    }
  }

  /** An enrollment with {@link EnrollmentOptions#DEFAULTS}. */
  public IndividualEnrollment(
      String registrationId,
      Optional<String> deviceId,
      Attestation attestation,
      ProvisioningStatus provisioningStatus,
      List<String> iotHubs) {
    this(
        registrationId,
        deviceId,
        attestation,
        provisioningStatus,
        iotHubs,
        EnrollmentOptions.DEFAULTS);
  }

  /** An enabled enrollment for a device holding {@code primaryKeyBase64}, on any linked hub. */
  public static IndividualEnrollment symmetricKey(String registrationId, String primaryKeyBase64) {
    return symmetricKey(registrationId, primaryKeyBase64, null);
  }

  /** As {@link #symmetricKey(String, String)}, also accepting a secondary key (may be null). */
  public static IndividualEnrollment symmetricKey(
      String registrationId, String primaryKeyBase64, String secondaryKeyBase64) {
    return new IndividualEnrollment(
        registrationId,
        Optional.empty(),
        SymmetricKeyMechanism.ofBase64(primaryKeyBase64, secondaryKeyBase64),
        ProvisioningStatus.ENABLED,
        List.of());
  }

  /**
   * An enabled enrollment for the device presenting {@code deviceCertificate} (its leaf
   * certificate, whose subject CN is the registration ID), on any linked hub.
   */
  public static IndividualEnrollment x509(
      String registrationId, X509Certificate deviceCertificate) {
    return new IndividualEnrollment(
        registrationId,
        Optional.empty(),
        X509Mechanism.of(deviceCertificate),
        ProvisioningStatus.ENABLED,
        List.of());
  }

  /**
   * An enabled enrollment for the TPM whose endorsement key is {@code endorsementKey} (the
   * marshalled {@code TPM2B_PUBLIC} the device sends), on any linked hub.
   */
  public static IndividualEnrollment tpm(String registrationId, byte[] endorsementKey) {
    return new IndividualEnrollment(
        registrationId,
        Optional.empty(),
        TpmMechanism.of(endorsementKey),
        ProvisioningStatus.ENABLED,
        List.of());
  }

  public IndividualEnrollment withDeviceId(String deviceId) {
    return new IndividualEnrollment(
        registrationId, Optional.of(deviceId), attestation, provisioningStatus, iotHubs, options);
  }

  public IndividualEnrollment withProvisioningStatus(ProvisioningStatus status) {
    return new IndividualEnrollment(
        registrationId, deviceId, attestation, status, iotHubs, options);
  }

  public IndividualEnrollment withOptions(EnrollmentOptions newOptions) {
    return new IndividualEnrollment(
        registrationId, deviceId, attestation, provisioningStatus, iotHubs, newOptions);
  }

  public IndividualEnrollment disabled() {
    return withProvisioningStatus(ProvisioningStatus.DISABLED);
  }

  public IndividualEnrollment withIotHubs(List<String> hubHostNames) {
    return new IndividualEnrollment(
        registrationId, deviceId, attestation, provisioningStatus, hubHostNames, options);
  }

  @Override
  public Optional<String> enrollmentGroupId() {
    return Optional.empty();
  }

  @Override
  public String deviceIdFor(String requestedRegistrationId) {
    return deviceId.orElse(requestedRegistrationId);
  }
}
