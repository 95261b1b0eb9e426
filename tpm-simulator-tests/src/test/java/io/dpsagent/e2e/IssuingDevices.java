package io.dpsagent.e2e;

import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import java.io.IOException;
import java.nio.file.Path;

/** Symmetric-key devices enrolled for certificate issuance, and the config that turns it on. */
final class IssuingDevices {

  private IssuingDevices() {}

  /**
   * Device {@code id} in a home of its own under {@code parent}, with a new device key enrolled at
   * {@code emulator}: set for certificate issuance, or (to see a CSR refused) not.
   */
  static Device symmetricKey(
      DpsEmulator emulator, Path parent, String id, String transport, boolean issuance)
      throws IOException {
    String key = Device.newKey();
    enroll(emulator, id, key, issuance);
    return Device.named(parent, id).endpoint(emulator, transport).deviceKey(key);
  }

  /**
   * Enrolls (or enrolls again) {@code id} with {@code deviceKey} at {@code emulator}, set for
   * certificate issuance or not.
   */
  static void enroll(DpsEmulator emulator, String id, String deviceKey, boolean issuance) {
    emulator
        .registry()
        .addIndividualEnrollment(
            issuing(IndividualEnrollment.symmetricKey(id, deviceKey), issuance));
  }

  /**
   * {@code enrollment} with its other options as they were, set for certificate issuance or not.
   */
  static IndividualEnrollment issuing(IndividualEnrollment enrollment, boolean issuance) {
    return enrollment.withOptions(enrollment.options().withCertificateIssuance(issuance));
  }

  /** {@code group} with its other options as they were, set for certificate issuance. */
  static EnrollmentGroup issuing(EnrollmentGroup group) {
    return group.withOptions(group.options().withCertificateIssuance(true));
  }

  /** Enrolls {@code device} again with its own key, now set for certificate issuance or not. */
  static void enrollAgain(DpsEmulator emulator, Device device, boolean issuance)
      throws IOException {
    enroll(emulator, device.registrationId(), device.symmetricKey(), issuance);
  }

  /** The config table turning certificate issuance on, its key at {@code keyUri}, then more. */
  static String issuanceTable(String keyUri, String extraLines) {
    return "[provisioning.certificate_issuance]\n"
        + "enabled = true\n"
        + "key = { uri = \""
        + keyUri
        + "\" }\n"
        + extraLines
        + "\n";
  }
}
