package io.dpsagent.emulator.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * Turns the fields every enrollment has, as the config file or a service API body spells them, into
 * {@link IndividualEnrollment} and {@link EnrollmentGroup}: the defaults, the name lookups and the
 * records' own checks, in one place. Each input names its problems its own way ({@link Problems});
 * what is read where (attestation, PEM files or inline certificates) stays with it.
 *
 * @param <E> the exception the input reports a problem with
 */
public final class EnrollmentMapper<E extends Exception> {

  /** Where a problem is; each input turns it into its own key or field name. */
  public enum Field {
    PROVISIONING_STATUS,
    ALLOCATION_POLICY,
    WEBHOOK_URL_MISSING,
    WEBHOOK,
    INITIAL_TWIN,
    /** A rule of the record itself (registration ID, device ID, group ID syntax). */
    ENROLLMENT
  }

  /** Makes the exception for a problem at {@code field}; {@code detail} says what is wrong. */
  public interface Problems<E extends Exception> {
    E problem(Field field, String detail);
  }

  /**
   * The common fields as given, absent ones empty.
   *
   * @param customAllocation the webhook definition, if there is one
   */
  public record Fields(
      Optional<String> provisioningStatus,
      List<String> iotHubs,
      Optional<String> allocationPolicy,
      Optional<Webhook> customAllocation,
      Optional<Boolean> updateHubAssignment,
      Optional<Boolean> migrateDeviceData,
      Optional<JsonNode> initialTwin,
      boolean iotEdge,
      boolean certificateIssuance) {}

  /** A {@code customAllocation} definition as given; {@code apiVersion} may be null. */
  public record Webhook(Optional<String> url, String apiVersion) {}

  private final Problems<E> problems;
  private final boolean webhookMeansCustom;

  /**
   * @param webhookMeansCustom whether a webhook without a policy means the custom policy (the
   *     config file's shorthand; the service API, like DPS, keeps the instance default)
   */
  public EnrollmentMapper(Problems<E> problems, boolean webhookMeansCustom) {
    this.problems = problems;
    this.webhookMeansCustom = webhookMeansCustom;
  }

  public IndividualEnrollment individual(
      String registrationId, Optional<String> deviceId, Attestation attestation, Fields fields)
      throws E {
    ProvisioningStatus status = provisioningStatus(fields);
    EnrollmentOptions options = options(fields);
    try {
      return new IndividualEnrollment(
          registrationId, deviceId, attestation, status, fields.iotHubs(), options);
    } catch (IllegalArgumentException e) {
      throw problems.problem(Field.ENROLLMENT, e.getMessage());
    }
  }

  public EnrollmentGroup group(String id, Attestation attestation, Fields fields) throws E {
    ProvisioningStatus status = provisioningStatus(fields);
    EnrollmentOptions options = options(fields);
    try {
      return new EnrollmentGroup(id, attestation, status, fields.iotHubs(), options);
    } catch (IllegalArgumentException e) {
      throw problems.problem(Field.ENROLLMENT, e.getMessage());
    }
  }

  private ProvisioningStatus provisioningStatus(Fields fields) throws E {
    if (fields.provisioningStatus().isEmpty()) {
      return ProvisioningStatus.ENABLED;
    }
    try {
      return ProvisioningStatus.fromWireName(fields.provisioningStatus().get());
    } catch (IllegalArgumentException e) {
      throw problems.problem(Field.PROVISIONING_STATUS, e.getMessage());
    }
  }

  private EnrollmentOptions options(Fields fields) throws E {
    Optional<AllocationPolicy> policy = Optional.empty();
    if (fields.allocationPolicy().isPresent()) {
      try {
        policy = Optional.of(AllocationPolicy.fromName(fields.allocationPolicy().get()));
      } catch (IllegalArgumentException e) {
        throw problems.problem(Field.ALLOCATION_POLICY, e.getMessage());
      }
    }
    Optional<CustomAllocation> webhook = Optional.empty();
    if (fields.customAllocation().isPresent()) {
      webhook = Optional.of(webhook(fields.customAllocation().get()));
      if (webhookMeansCustom) {
        policy = policy.or(() -> Optional.of(AllocationPolicy.CUSTOM));
      }
    }
    if (fields.initialTwin().isPresent() && !fields.initialTwin().get().isObject()) {
      throw problems.problem(Field.INITIAL_TWIN, "is not an object");
    }
    return new EnrollmentOptions(
        policy,
        webhook,
        new EnrollmentReprovisionPolicy(
            fields.updateHubAssignment().orElse(true), fields.migrateDeviceData().orElse(true)),
        fields.initialTwin(),
        fields.iotEdge(),
        fields.certificateIssuance());
  }

  private CustomAllocation webhook(Webhook definition) throws E {
    if (definition.url().isEmpty()) {
      throw problems.problem(Field.WEBHOOK_URL_MISSING, "is required");
    }
    try {
      return CustomAllocation.of(definition.url().get(), definition.apiVersion());
    } catch (IllegalArgumentException e) {
      throw problems.problem(Field.WEBHOOK, e.getMessage());
    }
  }
}
