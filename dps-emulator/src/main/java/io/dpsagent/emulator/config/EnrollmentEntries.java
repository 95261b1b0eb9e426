package io.dpsagent.emulator.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.emulator.config.ConfigFile.CustomAllocationEntry;
import io.dpsagent.emulator.config.ConfigFile.EnrollmentGroupEntry;
import io.dpsagent.emulator.config.ConfigFile.IndividualEnrollmentEntry;
import io.dpsagent.emulator.config.ConfigFile.ReprovisionPolicyEntry;
import io.dpsagent.emulator.registry.AllocationPolicy;
import io.dpsagent.emulator.registry.Attestation;
import io.dpsagent.emulator.registry.CustomAllocation;
import io.dpsagent.emulator.registry.DeviceIds;
import io.dpsagent.emulator.registry.Enrollment;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.EnrollmentOptions;
import io.dpsagent.emulator.registry.EnrollmentReprovisionPolicy;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.ProvisioningStatus;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The {@code individual_enrollments} and {@code enrollment_groups} entries of the config file. */
final class EnrollmentEntries {

  private final ConfigChecks checks;
  private final AttestationEntries attestations;
  private final Set<String> hubNames;

  /**
   * @param hubNames the lower-cased host names of the linked hubs, which enrollments may name
   */
  EnrollmentEntries(ConfigChecks checks, Set<String> hubNames) {
    this.checks = checks;
    this.attestations = new AttestationEntries(checks);
    this.hubNames = hubNames;
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
    ProvisioningStatus status = provisioningStatus(entry.provisioningStatus(), key);
    List<String> hubs = iotHubs(entry.iotHubs(), key);
    EnrollmentOptions options =
        options(
            entry.allocationPolicy(),
            entry.customAllocation(),
            entry.reprovisionPolicy(),
            entry.initialTwin(),
            key);
    IndividualEnrollment enrollment =
        checks.at(
            key + ".registration_id",
            () ->
                new IndividualEnrollment(
                    registrationId, deviceId, attestation, status, hubs, options));
    return checkAllocationRules(enrollment, key);
  }

  EnrollmentGroup enrollmentGroup(EnrollmentGroupEntry entry, String key) throws ConfigException {
    String id = checks.required(entry.enrollmentGroupId(), key + ".enrollment_group_id");
    Attestation attestation =
        attestations.attestation(entry.attestation(), key + ".attestation", true);
    EnrollmentOptions options =
        options(
            entry.allocationPolicy(),
            entry.customAllocation(),
            entry.reprovisionPolicy(),
            entry.initialTwin(),
            key);
    EnrollmentGroup group =
        new EnrollmentGroup(
            id,
            attestation,
            provisioningStatus(entry.provisioningStatus(), key),
            iotHubs(entry.iotHubs(), key),
            options);
    return checkAllocationRules(group, key);
  }

  private EnrollmentOptions options(
      String policyName,
      CustomAllocationEntry custom,
      ReprovisionPolicyEntry reprovision,
      JsonNode initialTwin,
      String key)
      throws ConfigException {
    Optional<AllocationPolicy> policy =
        policyName == null
            ? Optional.empty()
            : Optional.of(checks.allocationPolicy(policyName, key));
    Optional<CustomAllocation> webhook = Optional.empty();
    if (custom != null) {
      String url = checks.required(custom.webhookUrl(), key + ".custom_allocation.webhook_url");
      webhook =
          Optional.of(
              checks.at(
                  key + ".custom_allocation.webhook_url",
                  () -> CustomAllocation.of(url, custom.apiVersion())));
      // A webhook alone means the custom policy.
      policy = policy.or(() -> Optional.of(AllocationPolicy.CUSTOM));
    }
    EnrollmentReprovisionPolicy reprovisionPolicy =
        reprovision == null
            ? EnrollmentReprovisionPolicy.DEFAULT
            : new EnrollmentReprovisionPolicy(
                Optional.ofNullable(reprovision.updateHubAssignment()).orElse(true),
                Optional.ofNullable(reprovision.migrateDeviceData()).orElse(true));
    if (initialTwin != null && !initialTwin.isObject()) {
      throw checks.problem(key + ".initial_twin", "must be a table");
    }
    return new EnrollmentOptions(
        policy, webhook, reprovisionPolicy, Optional.ofNullable(initialTwin), false);
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
          enrollment.checkAllocationRules();
          return enrollment;
        });
    return enrollment;
  }

  private ProvisioningStatus provisioningStatus(String text, String key) throws ConfigException {
    if (text == null) {
      return ProvisioningStatus.ENABLED;
    }
    return checks.at(key + ".provisioning_status", () -> ProvisioningStatus.fromWireName(text));
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
