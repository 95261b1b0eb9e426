package io.dpsagent.emulator.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.emulator.TestTokens;
import io.dpsagent.emulator.allocation.AssignmentOutcome.Assigned;
import io.dpsagent.emulator.allocation.AssignmentOutcome.Failed;
import io.dpsagent.emulator.allocation.AssignmentOutcome.Failure;
import io.dpsagent.emulator.registry.AllocationPolicy;
import io.dpsagent.emulator.registry.Enrollment;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.EnrollmentOptions;
import io.dpsagent.emulator.registry.EnrollmentReprovisionPolicy;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.LinkedHub;
import io.dpsagent.emulator.registry.RegistrationRecord;
import io.dpsagent.emulator.registry.Registry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Allocation policies, reprovisioning and device IDs against a real registry. */
class AssignerTest {

  private static final LinkedHub HUB_1 = new LinkedHub("hub-1.azure-devices.net", 1, 50);
  private static final LinkedHub HUB_2 = new LinkedHub("hub-2.azure-devices.net", 0, 20);
  private static final LinkedHub HUB_3 = new LinkedHub("hub-3.azure-devices.net", 5, 90);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Registry registry = new Registry("0ne00000001", List.of(HUB_1, HUB_2, HUB_3));
  private final Assigner assigner =
      new Assigner(registry, AssignmentSettings.defaults(), Clock.systemUTC());

  @Test
  void staticPolicyUsesItsOneHubWhateverItsWeight() {
    IndividualEnrollment enrollment = enrollment("static-1", AllocationPolicy.STATIC, HUB_2);

    assertEquals(HUB_2.hostName(), assign("static-1", enrollment).record().assignedHub());
  }

  @Test
  void geoLatencyAsInstanceDefaultPicksLowestLatencyWithWeight() {
    registry.setDefaultAllocationPolicy(AllocationPolicy.GEO_LATENCY);
    IndividualEnrollment enrollment =
        IndividualEnrollment.symmetricKey("geo-1", TestTokens.VECTOR_KEY);

    // hub-2 is closest but has weight 0, so hub-1 (50 ms) beats hub-3 (90 ms).
    assertEquals(HUB_1.hostName(), assign("geo-1", enrollment).record().assignedHub());
  }

  @Test
  void enrollmentPolicyOverridesInstanceDefault() {
    registry.setDefaultAllocationPolicy(AllocationPolicy.GEO_LATENCY);
    IndividualEnrollment enrollment =
        IndividualEnrollment.symmetricKey("hashed-1", TestTokens.VECTOR_KEY)
            .withOptions(EnrollmentOptions.DEFAULTS.withAllocationPolicy(AllocationPolicy.HASHED));

    String hub = assign("hashed-1", enrollment).record().assignedHub();

    assertEquals(
        io.dpsagent.emulator.registry.WeightedHubAllocator.choose(
                "hashed-1", List.of(HUB_1, HUB_2, HUB_3))
            .orElseThrow()
            .hostName(),
        hub);
  }

  @Test
  void disabledEnrollmentIsNotAssignedAndLeavesNoRecord() {
    IndividualEnrollment enrollment =
        IndividualEnrollment.symmetricKey("off-1", TestTokens.VECTOR_KEY).disabled();

    AssignmentOutcome outcome = assigner.assign("off-1", enrollment, Optional.empty()).join();

    assertEquals(new Failed(Failure.ENROLLMENT_DISABLED), outcome);
    assertEquals(Optional.empty(), registry.registration("off-1"));
  }

  @Test
  void staticHubThatIsNoLongerLinkedFails() {
    IndividualEnrollment enrollment =
        IndividualEnrollment.symmetricKey("lost-1", TestTokens.VECTOR_KEY)
            .withIotHubs(List.of("gone.azure-devices.net"))
            .withOptions(EnrollmentOptions.DEFAULTS.withAllocationPolicy(AllocationPolicy.STATIC));

    assertEquals(
        new Failed(Failure.NO_HUB_AVAILABLE),
        assigner.assign("lost-1", enrollment, Optional.empty()).join());
  }

  @Test
  void deviceIdComesFromIndividualEnrollmentOrRegistrationId() {
    IndividualEnrollment individual =
        IndividualEnrollment.symmetricKey("reg-7", TestTokens.VECTOR_KEY)
            .withDeviceId("dev(7)@site");
    EnrollmentGroup group = EnrollmentGroup.symmetricKey("line-1", TestTokens.VECTOR_GROUP_KEY);

    assertEquals("dev(7)@site", assign("reg-7", individual).record().deviceId());
    assertEquals("member-1", assign("member-1", group).record().deviceId());
    assertEquals(
        Optional.of("line-1"), registry.registration("member-1").orElseThrow().enrollmentGroupId());
  }

  @Test
  void firstRegistrationIsInitialAssignmentWithEnrollmentTwin() throws Exception {
    JsonNode twin = twin("first");
    IndividualEnrollment enrollment = staticOn("twin-1", HUB_1, o -> o.withInitialTwin(twin));

    RegistrationRecord record = assign("twin-1", enrollment).record();

    assertEquals("initialAssignment", record.substatus());
    assertEquals(Optional.of(twin), record.initialTwin());
  }

  @Test
  void reRegistrationOnSameHubKeepsCreationTimeAndGetsNewEtag() {
    IndividualEnrollment enrollment = enrollment("again-1", AllocationPolicy.STATIC, HUB_1);
    RegistrationRecord first = assign("again-1", enrollment).record();

    RegistrationRecord second = assign("again-1", enrollment).record();

    assertEquals("initialAssignment", second.substatus());
    assertEquals(first.createdDateTimeUtc(), second.createdDateTimeUtc());
    assertNotEquals(first.etag(), second.etag());
  }

  @Test
  void sameHubSubstatusIsConfigurable() {
    Assigner reprovisioned =
        new Assigner(
            registry,
            new AssignmentSettings("reprovisionedToInitialAssignment", Duration.ofSeconds(1)),
            Clock.systemUTC());
    IndividualEnrollment enrollment = enrollment("again-2", AllocationPolicy.STATIC, HUB_1);
    reprovisioned.assign("again-2", enrollment, Optional.empty()).join();

    Assigned second =
        (Assigned) reprovisioned.assign("again-2", enrollment, Optional.empty()).join();

    assertEquals("reprovisionedToInitialAssignment", second.record().substatus());
  }

  @Test
  void noHubUpdateKeepsTheDeviceOnItsHub() {
    assign("stay-1", enrollment("stay-1", AllocationPolicy.STATIC, HUB_1));
    IndividualEnrollment moved =
        staticOn(
            "stay-1",
            HUB_3,
            o -> o.withReprovisionPolicy(new EnrollmentReprovisionPolicy(false, true)));

    RegistrationRecord record = assign("stay-1", moved).record();

    assertEquals(HUB_1.hostName(), record.assignedHub());
    assertEquals("initialAssignment", record.substatus());
  }

  // Migration keeps the twin the device was given; a reset applies the enrollment's current one.
  @ParameterizedTest
  @CsvSource({"true, deviceDataMigrated, old", "false, deviceDataReset, new"})
  void aHubChangeMigratesOrResetsTheDeviceData(
      boolean migrate, String substatus, String expectedTwin) throws Exception {
    JsonNode oldTwin = twin("old");
    JsonNode newTwin = twin("new");
    assign("move-1", staticOn("move-1", HUB_1, o -> o.withInitialTwin(oldTwin)));
    IndividualEnrollment moved =
        staticOn(
            "move-1",
            HUB_3,
            o ->
                o.withInitialTwin(newTwin)
                    .withReprovisionPolicy(new EnrollmentReprovisionPolicy(true, migrate)));

    RegistrationRecord record = assign("move-1", moved).record();

    assertEquals(HUB_3.hostName(), record.assignedHub());
    assertEquals(substatus, record.substatus());
    assertEquals(Optional.of(twin(expectedTwin)), record.initialTwin());
  }

  @Test
  void recordsUseTheClock() {
    Instant fixed = Instant.parse("2024-05-06T07:08:09.123Z");
    Assigner fixedClock =
        new Assigner(registry, AssignmentSettings.defaults(), Clock.fixed(fixed, ZoneOffset.UTC));

    Assigned assigned =
        (Assigned)
            fixedClock
                .assign(
                    "clock-1",
                    enrollment("clock-1", AllocationPolicy.STATIC, HUB_1),
                    Optional.empty())
                .join();

    assertEquals(fixed, assigned.record().createdDateTimeUtc());
    assertEquals(fixed, assigned.record().lastUpdatedDateTimeUtc());
  }

  private Assigned assign(String registrationId, Enrollment enrollment) {
    return (Assigned) assigner.assign(registrationId, enrollment, Optional.empty()).join();
  }

  private static IndividualEnrollment enrollment(
      String registrationId, AllocationPolicy policy, LinkedHub hub) {
    return IndividualEnrollment.symmetricKey(registrationId, TestTokens.VECTOR_KEY)
        .withIotHubs(List.of(hub.hostName()))
        .withOptions(EnrollmentOptions.DEFAULTS.withAllocationPolicy(policy));
  }

  /** A static enrollment on {@code hub} whose options are also changed by {@code options}. */
  private static IndividualEnrollment staticOn(
      String registrationId, LinkedHub hub, UnaryOperator<EnrollmentOptions> options) {
    IndividualEnrollment enrollment = enrollment(registrationId, AllocationPolicy.STATIC, hub);
    return enrollment.withOptions(options.apply(enrollment.options()));
  }

  private static JsonNode twin(String label) throws Exception {
    return JSON.readTree(
        "{\"tags\":{\"label\":\"" + label + "\"},\"properties\":{\"desired\":{\"interval\":5}}}");
  }
}
