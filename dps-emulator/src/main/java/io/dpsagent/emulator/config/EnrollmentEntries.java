package io.dpsagent.emulator.config;

import io.dpsagent.emulator.config.ConfigFile.CustomAllocationEntry;
import io.dpsagent.emulator.config.ConfigFile.EnrollmentEntry;
import io.dpsagent.emulator.config.ConfigFile.EnrollmentGroupEntry;
import io.dpsagent.emulator.config.ConfigFile.IndividualEnrollmentEntry;
import io.dpsagent.emulator.config.ConfigFile.ReprovisionPolicyEntry;
import io.dpsagent.emulator.registry.AllocationPolicy;
import io.dpsagent.emulator.registry.Attestation;
import io.dpsagent.emulator.registry.DeviceIds;
import io.dpsagent.emulator.registry.Enrollment;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.EnrollmentMapper;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@code individual_enrollments} and {@code enrollment_groups} entries of the config file,
 * mapped by the {@link EnrollmentMapper} the service API uses, with the file's own key names.
 */
final class EnrollmentEntries {

  private final ConfigChecks checks;
  private final AttestationEntries attestations;
  private final Set<String> hubNames;
  private final Supplier<Optional<AllocationPolicy>> instanceDefault;
  // The IDs read so far, lower-cased: each may stand once in the file.
  private final Set<String> registrationIds = new HashSet<>();
  private final Set<String> groupIds = new HashSet<>();

  /**
   * @param hubNames the lower-cased host names of the linked hubs, which enrollments may name
   * @param instanceDefault the instance's configured default allocation policy, if any
   */
  EnrollmentEntries(
      ConfigChecks checks,
      Set<String> hubNames,
      Supplier<Optional<AllocationPolicy>> instanceDefault) {
    this.checks = checks;
    this.attestations = new AttestationEntries(checks);
    this.hubNames = hubNames;
    this.instanceDefault = instanceDefault;
  }

  IndividualEnrollment individualEnrollment(IndividualEnrollmentEntry entry, String key)
      throws ConfigException {
    String registrationId = checks.required(entry.registrationId(), key + ".registration_id");
    Attestation attestation =
        attestations.attestation(entry.attestation(), key + ".attestation", false);
    Optional<String> deviceId = Optional.ofNullable(entry.deviceId());
    if (deviceId.isPresent() && deviceId.get().isBlank()) {
      throw checks.problem(key + ".device_id", "is empty");
    }
    if (deviceId.isPresent() && !DeviceIds.isValid(deviceId.get())) {
      throw checks.problem(
          key + ".device_id", "must be 1 to 128 of A-Z a-z 0-9 - . + % _ # * ? ! ( ) , : = @ $ '");
    }
    IndividualEnrollment enrollment =
        checkAllocationRules(
            mapper(key, "registration_id")
                .individual(registrationId, deviceId, attestation, fields(entry, key)),
            key);
    checks.requireUnique(registrationIds, enrollment.registrationId(), key + ".registration_id");
    return enrollment;
  }

  EnrollmentGroup enrollmentGroup(EnrollmentGroupEntry entry, String key) throws ConfigException {
    String id = checks.required(entry.enrollmentGroupId(), key + ".enrollment_group_id");
    Attestation attestation =
        attestations.attestation(entry.attestation(), key + ".attestation", true);
    EnrollmentGroup group =
        checkAllocationRules(
            mapper(key, "enrollment_group_id").group(id, attestation, fields(entry, key)), key);
    checks.requireUnique(groupIds, group.id(), key + ".enrollment_group_id");
    return group;
  }

  private EnrollmentMapper<ConfigException> mapper(String key, String idKey) {
    return new EnrollmentMapper<>(
        (field, detail) ->
            switch (field) {
              case PROVISIONING_STATUS -> checks.problem(key + ".provisioning_status", detail);
              case ALLOCATION_POLICY -> checks.problem(key + ".allocation_policy", detail);
              case WEBHOOK_URL_MISSING, WEBHOOK ->
                  checks.problem(key + ".custom_allocation.webhook_url", detail);
              case INITIAL_TWIN -> checks.problem(key + ".initial_twin", "must be a table");
              case ENROLLMENT -> checks.problem(key + "." + idKey, detail);
            },
        true);
  }

  private EnrollmentMapper.Fields fields(EnrollmentEntry entry, String key) throws ConfigException {
    Optional<ReprovisionPolicyEntry> reprovision = Optional.ofNullable(entry.reprovisionPolicy());
    return new EnrollmentMapper.Fields(
        Optional.ofNullable(entry.provisioningStatus()),
        iotHubs(entry.iotHubs(), key),
        Optional.ofNullable(entry.allocationPolicy()),
        Optional.ofNullable(entry.customAllocation()).map(EnrollmentEntries::webhook),
        reprovision.map(ReprovisionPolicyEntry::updateHubAssignment),
        reprovision.map(ReprovisionPolicyEntry::migrateDeviceData),
        Optional.ofNullable(entry.initialTwin()),
        false,
        Boolean.TRUE.equals(entry.certificateIssuance()));
  }

  private static EnrollmentMapper.Webhook webhook(CustomAllocationEntry entry) {
    return new EnrollmentMapper.Webhook(
        Optional.ofNullable(entry.webhookUrl()).filter(url -> !url.isBlank()), entry.apiVersion());
  }

  private <T extends Enrollment> T checkAllocationRules(T enrollment, String key)
      throws ConfigException {
    String problemKey =
        enrollment.options().allocationPolicy().orElse(null) == AllocationPolicy.CUSTOM
            ? key + ".custom_allocation"
            : key + ".iot_hubs";
    checks.at(
        problemKey,
        () -> {
          enrollment.checkAllocationRules(instanceDefault.get());
          return enrollment;
        });
    return enrollment;
  }

  // Enrollments may only name hubs that are linked, as in DPS.
  private List<String> iotHubs(List<String> names, String key) throws ConfigException {
    List<String> hubs = ConfigChecks.orEmpty(names);
    for (int i = 0; i < hubs.size(); i++) {
      if (!hubNames.contains(hubs.get(i).toLowerCase(Locale.ROOT))) {
        throw checks.problem(key + ".iot_hubs[" + i + "]", "is not a linked hub");
      }
    }
    return hubs;
  }
}
