package io.dpsagent.emulator.allocation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.emulator.allocation.AssignmentOutcome.Assigned;
import io.dpsagent.emulator.allocation.AssignmentOutcome.Failed;
import io.dpsagent.emulator.allocation.AssignmentOutcome.Failure;
import io.dpsagent.emulator.registry.AllocationPolicy;
import io.dpsagent.emulator.registry.Enrollment;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.EnrollmentReprovisionPolicy;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.LinkedHub;
import io.dpsagent.emulator.registry.RegistrationRecord;
import io.dpsagent.emulator.registry.Registry;
import io.dpsagent.emulator.registry.SymmetricKeyMechanism;
import io.dpsagent.emulator.registry.TpmMechanism;
import io.dpsagent.emulator.registry.Versioned;
import io.dpsagent.emulator.registry.WeightedHubAllocator;
import io.dpsagent.emulator.registry.X509Mechanism;
import io.dpsagent.emulator.service.EnrollmentJson;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Logger;

/**
 * Decides where an authenticated device goes: applies the enrollment's status, its reprovision
 * policy and its allocation policy, and stores the resulting registration record.
 *
 * <p>Substatus mapping: a first registration is {@code initialAssignment}; a re-registration that
 * leaves the device on its hub (because {@code updateHubAssignment} is false, or because allocation
 * chose the same hub) gets {@link AssignmentSettings#sameHubSubstatus()}; one that moves it is
 * {@code deviceDataMigrated} or {@code deviceDataReset} after {@code migrateDeviceData}.
 */
public final class Assigner {

  private static final Logger LOG = Logger.getLogger(Assigner.class.getName());
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Registry registry;
  private final AssignmentSettings settings;
  private final Clock clock;
  private final CustomAllocationWebhook webhook;

  public Assigner(Registry registry, AssignmentSettings settings, Clock clock) {
    this.registry = registry;
    this.settings = settings;
    this.clock = clock;
    this.webhook = new CustomAllocationWebhook(settings.webhookTimeout());
  }

  /**
   * Assigns {@code registrationId} under {@code enrollment}. Completes at once except with a custom
   * allocation webhook; never completes exceptionally.
   *
   * @param payload the device's custom payload, passed to a webhook
   */
  public CompletableFuture<AssignmentOutcome> assign(
      String registrationId, Enrollment enrollment, Optional<JsonNode> payload) {
    return decide(registrationId, enrollment, payload).thenApply(this::countFailure);
  }

  // Successes are counted where the record is stored; failures only here.
  private AssignmentOutcome countFailure(AssignmentOutcome outcome) {
    if (outcome instanceof Failed) {
      registry.countFailedRegistration();
    }
    return outcome;
  }

  private CompletableFuture<AssignmentOutcome> decide(
      String registrationId, Enrollment enrollment, Optional<JsonNode> payload) {
    if (!enrollment.isEnabled()) {
      return failed(Failure.ENROLLMENT_DISABLED);
    }
    Optional<RegistrationRecord> previous = registry.registration(registrationId);
    EnrollmentReprovisionPolicy reprovision = enrollment.options().reprovisionPolicy();
    if (previous.isPresent() && !reprovision.updateHubAssignment()) {
      String hubName = previous.get().assignedHub();
      LinkedHub hub = registry.linkedHub(hubName).orElseGet(() -> new LinkedHub(hubName, 0));
      return CompletableFuture.completedFuture(
          record(registrationId, enrollment, previous, hub, Optional.empty(), Optional.empty()));
    }
    List<LinkedHub> eligible = registry.eligibleHubs(enrollment);
    AllocationPolicy policy =
        enrollment.options().effectivePolicy(registry.defaultAllocationPolicy());
    if (policy == AllocationPolicy.CUSTOM) {
      return askWebhook(registrationId, enrollment, previous, eligible, payload);
    }
    Optional<LinkedHub> hub =
        switch (policy) {
          case HASHED -> WeightedHubAllocator.choose(registrationId, eligible);
          case GEO_LATENCY -> LowestLatencyAllocator.choose(registrationId, eligible);
          // The one hub named by the enrollment, whatever its weight.
          case STATIC -> eligible.size() == 1 ? Optional.of(eligible.get(0)) : Optional.empty();
          case CUSTOM -> throw new AssertionError("handled above");
        };
    if (hub.isEmpty()) {
      return failed(Failure.NO_HUB_AVAILABLE);
    }
    return CompletableFuture.completedFuture(
        record(
            registrationId, enrollment, previous, hub.get(), Optional.empty(), Optional.empty()));
  }

  private CompletableFuture<AssignmentOutcome> askWebhook(
      String registrationId,
      Enrollment enrollment,
      Optional<RegistrationRecord> previous,
      List<LinkedHub> eligible,
      Optional<JsonNode> payload) {
    ObjectNode request = allocationRequest(registrationId, enrollment, previous, eligible, payload);
    return webhook
        .call(enrollment.options().customAllocation().orElseThrow(), request)
        .handle(
            (answer, error) -> {
              if (error != null) {
                LOG.info(
                    () ->
                        "Custom allocation of "
                            + registrationId
                            + " failed: "
                            + rootMessage(error));
                return new Failed(Failure.CUSTOM_ALLOCATION_FAILED);
              }
              Optional<LinkedHub> hub = registry.linkedHub(answer.iotHubHostName());
              if (hub.isEmpty()) {
                LOG.info(
                    () ->
                        "Custom allocation of "
                            + registrationId
                            + " named a hub that is not linked: "
                            + answer.iotHubHostName());
                return new Failed(Failure.CUSTOM_ALLOCATION_HUB_NOT_LINKED);
              }
              return record(
                  registrationId,
                  enrollment,
                  previous,
                  hub.get(),
                  answer.initialTwin(),
                  answer.payload());
            });
  }

  /** The {@code AllocationRequest} of the custom allocation documentation. */
  private ObjectNode allocationRequest(
      String registrationId,
      Enrollment enrollment,
      Optional<RegistrationRecord> previous,
      List<LinkedHub> eligible,
      Optional<JsonNode> payload) {
    ObjectNode request = NODES.objectNode();
    // Keys stay in DPS: the webhook learns the attestation type only.
    if (enrollment instanceof IndividualEnrollment individual) {
      request.set("individualEnrollment", EnrollmentJson.toJson(stored(individual), false));
    } else if (enrollment instanceof EnrollmentGroup group) {
      request.set("enrollmentGroup", EnrollmentJson.groupToJson(storedGroup(group), false));
    }
    ObjectNode context = request.putObject("deviceRuntimeContext");
    context.put("registrationId", registrationId);
    previous.ifPresent(
        record -> {
          context.put("currentIotHubHostName", record.assignedHub());
          context.put("currentDeviceId", record.deviceId());
        });
    if (enrollment.attestation() instanceof SymmetricKeyMechanism) {
      context.putObject("symmetricKey");
    } else if (enrollment.attestation() instanceof X509Mechanism) {
      context.putObject("x509");
    } else if (enrollment.attestation() instanceof TpmMechanism) {
      context.putObject("tpm");
    }
    payload.ifPresent(p -> context.set("payload", p));
    ArrayNode hubs = request.putArray("linkedHubs");
    eligible.forEach(hub -> hubs.add(hub.hostName()));
    return request;
  }

  private Versioned<IndividualEnrollment> stored(IndividualEnrollment enrollment) {
    return registry
        .individualEnrollmentVersion(enrollment.registrationId())
        .filter(v -> v.value().equals(enrollment))
        .orElseGet(() -> new Versioned<>(enrollment, "", clock.instant(), clock.instant()));
  }

  private Versioned<EnrollmentGroup> storedGroup(EnrollmentGroup group) {
    return registry
        .enrollmentGroupVersion(group.id())
        .filter(v -> v.value().equals(group))
        .orElseGet(() -> new Versioned<>(group, "", clock.instant(), clock.instant()));
  }

  private AssignmentOutcome record(
      String registrationId,
      Enrollment enrollment,
      Optional<RegistrationRecord> previous,
      LinkedHub hub,
      Optional<JsonNode> webhookTwin,
      Optional<JsonNode> payload) {
    Optional<JsonNode> freshTwin = webhookTwin.or(() -> enrollment.options().initialTwin());
    String substatus;
    Optional<JsonNode> twin;
    if (previous.isEmpty()) {
      substatus = RegistrationRecord.INITIAL_ASSIGNMENT;
      twin = freshTwin;
    } else if (hub.hasHostName(previous.get().assignedHub())) {
      substatus = settings.sameHubSubstatus();
      twin = previous.get().initialTwin();
    } else if (enrollment.options().reprovisionPolicy().migrateDeviceData()) {
      substatus = "deviceDataMigrated";
      twin = previous.get().initialTwin();
    } else {
      substatus = "deviceDataReset";
      twin = freshTwin;
    }
    Instant now = clock.instant();
    RegistrationRecord record =
        registry.recordAssignment(registrationId, enrollment, hub, substatus, twin, now);
    return new Assigned(record, payload);
  }

  private static CompletableFuture<AssignmentOutcome> failed(Failure failure) {
    return CompletableFuture.completedFuture(new Failed(failure));
  }

  private static String rootMessage(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException
            || cause instanceof CustomAllocationWebhook.CompletionFailure)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }
}
