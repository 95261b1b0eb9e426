package io.dpsagent.emulator.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The TOML document exactly as written: keys in snake_case, anything absent is null. Checked and
 * turned into an {@link EmulatorConfig} by {@link ConfigFileReader}.
 */
record ConfigFile(
    Emulator emulator,
    List<LinkedHubEntry> linkedHubs,
    List<IndividualEnrollmentEntry> individualEnrollments,
    List<EnrollmentGroupEntry> enrollmentGroups,
    JsonNode faults) {

  record Emulator(
      String host,
      String bindAddress,
      Integer httpsPort,
      Integer mqttPort,
      Integer mqttWsPort,
      Integer hubMqttPort,
      String mqtt5,
      Integer mqttReplyDelayMs,
      String idScope,
      Integer retryAfterSeconds,
      Integer pollsBeforeAssignment,
      Integer sasClockSkewSeconds,
      Boolean strictApiVersion,
      String deviceApiVersions,
      String tlsCertChain,
      String tlsKey,
      Integer servicePort,
      String serviceBindAddress,
      String serviceHost,
      String allocationPolicy,
      Integer webhookTimeoutSeconds,
      String reprovisionSameHubSubstatus,
      Boolean servicePutRequiresIfMatch,
      Long issuedCertificateValiditySeconds) {}

  record LinkedHubEntry(String hostName, Integer allocationWeight, Integer latencyMs) {}

  record IndividualEnrollmentEntry(
      String registrationId,
      String deviceId,
      String provisioningStatus,
      List<String> iotHubs,
      AttestationEntry attestation,
      String allocationPolicy,
      CustomAllocationEntry customAllocation,
      ReprovisionPolicyEntry reprovisionPolicy,
      JsonNode initialTwin,
      Boolean certificateIssuance)
      implements EnrollmentEntry {}

  record EnrollmentGroupEntry(
      String enrollmentGroupId,
      String provisioningStatus,
      List<String> iotHubs,
      AttestationEntry attestation,
      String allocationPolicy,
      CustomAllocationEntry customAllocation,
      ReprovisionPolicyEntry reprovisionPolicy,
      JsonNode initialTwin,
      Boolean certificateIssuance)
      implements EnrollmentEntry {}

  /** What individual enrollments and groups have in common. */
  interface EnrollmentEntry {
    String provisioningStatus();

    List<String> iotHubs();

    String allocationPolicy();

    CustomAllocationEntry customAllocation();

    ReprovisionPolicyEntry reprovisionPolicy();

    JsonNode initialTwin();

    Boolean certificateIssuance();
  }

  record CustomAllocationEntry(String webhookUrl, String apiVersion) {}

  record ReprovisionPolicyEntry(Boolean updateHubAssignment, Boolean migrateDeviceData) {}

  /** One table for every attestation type; which keys apply depends on {@code type}. */
  record AttestationEntry(
      String type,
      String primaryKey,
      String secondaryKey,
      String certificate,
      String secondaryCertificate,
      String endorsementKey,
      String storageRootKey) {}
}
