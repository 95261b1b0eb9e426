package io.dpsagent.emulator.config;

import java.util.List;

/**
 * The TOML document exactly as written: keys in snake_case, anything absent is null. Checked and
 * turned into an {@link EmulatorConfig} by {@link ConfigFileReader}.
 */
record ConfigFile(
    Emulator emulator,
    List<LinkedHubEntry> linkedHubs,
    List<IndividualEnrollmentEntry> individualEnrollments,
    List<EnrollmentGroupEntry> enrollmentGroups) {

  record Emulator(
      String host,
      String bindAddress,
      Integer httpsPort,
      Integer mqttPort,
      Integer mqttWsPort,
      String mqtt5,
      String idScope,
      Integer retryAfterSeconds,
      Integer pollsBeforeAssignment,
      Integer sasClockSkewSeconds,
      Boolean strictApiVersion,
      String tlsCertChain,
      String tlsKey) {}

  record LinkedHubEntry(String hostName, Integer allocationWeight) {}

  record IndividualEnrollmentEntry(
      String registrationId,
      String deviceId,
      String provisioningStatus,
      List<String> iotHubs,
      AttestationEntry attestation) {}

  record EnrollmentGroupEntry(
      String enrollmentGroupId,
      String provisioningStatus,
      List<String> iotHubs,
      AttestationEntry attestation) {}

  /** One table for every attestation type; which keys apply depends on {@code type}. */
  record AttestationEntry(
      String type,
      String primaryKey,
      String secondaryKey,
      String certificate,
      String secondaryCertificate) {}
}
