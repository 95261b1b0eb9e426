package io.dpsagent.emulator.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The service-side settings an enrollment or group may carry beyond attestation and hubs.
 *
 * @param allocationPolicy empty means the instance default
 * @param customAllocation the webhook, required with {@link AllocationPolicy#CUSTOM}
 * @param reprovisionPolicy what a repeated registration does
 * @param initialTwin {@code { "tags": {...}, "properties": { "desired": {...} } }}; DPS applies it
 *     on the hub and records it, it never goes to the device
 * @param iotEdge the {@code capabilities.iotEdge} flag
 * @param certificateIssuance whether a device of this enrollment may send a {@code csr} and get an
 *     operational certificate from the emulator's issuing CA (emulator-specific: see
 *     docs/emulator.md, "Certificate issuance")
 */
public record EnrollmentOptions(
    Optional<AllocationPolicy> allocationPolicy,
    Optional<CustomAllocation> customAllocation,
    EnrollmentReprovisionPolicy reprovisionPolicy,
    Optional<JsonNode> initialTwin,
    boolean iotEdge,
    boolean certificateIssuance) {

  public static final EnrollmentOptions DEFAULTS =
      new EnrollmentOptions(
          Optional.empty(),
          Optional.empty(),
          EnrollmentReprovisionPolicy.DEFAULT,
          Optional.empty(),
          false);

  /** Options without certificate issuance. */
  public EnrollmentOptions(
      Optional<AllocationPolicy> allocationPolicy,
      Optional<CustomAllocation> customAllocation,
      EnrollmentReprovisionPolicy reprovisionPolicy,
      Optional<JsonNode> initialTwin,
      boolean iotEdge) {
    this(allocationPolicy, customAllocation, reprovisionPolicy, initialTwin, iotEdge, false);
  }

  public EnrollmentOptions {
    if (initialTwin.isPresent() && !initialTwin.get().isObject()) {
      throw new IllegalArgumentException("initial twin is not a JSON object");
    }
    // JSON trees are mutable: keep a private copy so the record stays a value.
    initialTwin = initialTwin.map(JsonNode::deepCopy);
  }

  @Override
  public Optional<JsonNode> initialTwin() {
    return initialTwin.map(JsonNode::deepCopy);
  }

  public EnrollmentOptions withAllocationPolicy(AllocationPolicy policy) {
    return new EnrollmentOptions(
        Optional.of(policy),
        customAllocation,
        reprovisionPolicy,
        initialTwin,
        iotEdge,
        certificateIssuance);
  }

  /** Sets the custom policy and its webhook. */
  public EnrollmentOptions withCustomAllocation(CustomAllocation webhook) {
    return new EnrollmentOptions(
        Optional.of(AllocationPolicy.CUSTOM),
        Optional.of(webhook),
        reprovisionPolicy,
        initialTwin,
        iotEdge,
        certificateIssuance);
  }

  public EnrollmentOptions withReprovisionPolicy(EnrollmentReprovisionPolicy policy) {
    return new EnrollmentOptions(
        allocationPolicy, customAllocation, policy, initialTwin, iotEdge, certificateIssuance);
  }

  public EnrollmentOptions withInitialTwin(JsonNode twin) {
    return new EnrollmentOptions(
        allocationPolicy,
        customAllocation,
        reprovisionPolicy,
        Optional.of(twin),
        iotEdge,
        certificateIssuance);
  }

  /** Sets whether devices of the enrollment get certificates issued for their CSRs. */
  public EnrollmentOptions withCertificateIssuance(boolean enabled) {
    return new EnrollmentOptions(
        allocationPolicy, customAllocation, reprovisionPolicy, initialTwin, iotEdge, enabled);
  }

  /** The policy in force for this enrollment under {@code instanceDefault}. */
  public AllocationPolicy effectivePolicy(AllocationPolicy instanceDefault) {
    return allocationPolicy.orElse(instanceDefault);
  }
}
