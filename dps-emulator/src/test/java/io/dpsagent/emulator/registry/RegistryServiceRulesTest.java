package io.dpsagent.emulator.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.emulator.TestTokens;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Allocation rules, etag conditions, device IDs and operation counts of the registry. */
class RegistryServiceRulesTest {

  private static final LinkedHub HUB_1 = LinkedHub.withHostName("hub-1.azure-devices.net");
  private static final LinkedHub HUB_2 = LinkedHub.withHostName("hub-2.azure-devices.net");

  private final Registry registry = new Registry("0ne00000002", List.of(HUB_1, HUB_2));

  @Test
  void staticPolicyWithoutExactlyOneHubIsRejected() {
    EnrollmentOptions staticPolicy =
        EnrollmentOptions.DEFAULTS.withAllocationPolicy(AllocationPolicy.STATIC);
    IndividualEnrollment noHub =
        IndividualEnrollment.symmetricKey("s-1", TestTokens.VECTOR_KEY).withOptions(staticPolicy);
    IndividualEnrollment twoHubs = noHub.withIotHubs(List.of(HUB_1.hostName(), HUB_2.hostName()));
    EnrollmentGroup group =
        EnrollmentGroup.symmetricKey("g-1", TestTokens.VECTOR_GROUP_KEY).withOptions(staticPolicy);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> registry.addIndividualEnrollment(noHub));
    assertEquals("the static allocation policy needs exactly one hub in iotHubs", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> registry.addIndividualEnrollment(twoHubs));
    assertThrows(IllegalArgumentException.class, () -> registry.addEnrollmentGroup(group));
    assertEquals(Optional.empty(), registry.individualEnrollment("s-1"));
    assertEquals(OperationCounts.NONE, registry.operationCounts());

    registry.addIndividualEnrollment(noHub.withIotHubs(List.of(HUB_1.hostName())));
    assertTrue(registry.individualEnrollment("s-1").isPresent());
  }

  @Test
  void customPolicyNeedsAWebhookAndCannotBeTheDefault() {
    IndividualEnrollment noWebhook =
        IndividualEnrollment.symmetricKey("c-1", TestTokens.VECTOR_KEY)
            .withOptions(EnrollmentOptions.DEFAULTS.withAllocationPolicy(AllocationPolicy.CUSTOM));

    assertThrows(IllegalArgumentException.class, () -> registry.addIndividualEnrollment(noWebhook));
    assertThrows(
        IllegalArgumentException.class,
        () -> registry.setDefaultAllocationPolicy(AllocationPolicy.CUSTOM));
    assertEquals(AllocationPolicy.HASHED, registry.defaultAllocationPolicy());

    registry.addIndividualEnrollment(
        noWebhook.withOptions(
            EnrollmentOptions.DEFAULTS.withCustomAllocation(
                CustomAllocation.of("https://alloc.example/api", null))));
    assertEquals(
        "2019-03-31",
        registry
            .individualEnrollment("c-1")
            .orElseThrow()
            .options()
            .customAllocation()
            .orElseThrow()
            .apiVersion());
  }

  @Test
  void etagConditionsGuardUpdatesAndDeletes() throws Exception {
    IndividualEnrollment enrollment =
        IndividualEnrollment.symmetricKey("e-1", TestTokens.VECTOR_KEY);
    assertThrows(
        PreconditionFailedException.class,
        () -> registry.putIndividualEnrollment(enrollment, Optional.of("*")));
    Versioned<IndividualEnrollment> created = registry.addIndividualEnrollment(enrollment);

    assertThrows(
        PreconditionFailedException.class,
        () -> registry.putIndividualEnrollment(enrollment.disabled(), Optional.of("stale")));
    Versioned<IndividualEnrollment> updated =
        registry.putIndividualEnrollment(
            enrollment.disabled(), Optional.of("\"" + created.etag() + "\""));

    assertNotEquals(created.etag(), updated.etag());
    assertEquals(created.createdDateTimeUtc(), updated.createdDateTimeUtc());
    assertThrows(
        PreconditionFailedException.class,
        () -> registry.removeIndividualEnrollment("e-1", Optional.of(created.etag())));
    assertTrue(registry.removeIndividualEnrollment("E-1", Optional.of(updated.etag())));
    assertFalse(registry.removeIndividualEnrollment("e-1"));
  }

  @Test
  void countsAddsUpdatesAndRegistrations() {
    IndividualEnrollment enrollment =
        IndividualEnrollment.symmetricKey("n-1", TestTokens.VECTOR_KEY);
    EnrollmentGroup group = EnrollmentGroup.symmetricKey("n-g", TestTokens.VECTOR_GROUP_KEY);
    registry.addIndividualEnrollment(enrollment);
    registry.addIndividualEnrollment(enrollment.disabled());
    registry.addIndividualEnrollment(enrollment);
    registry.addEnrollmentGroup(group);
    registry.addEnrollmentGroup(group.disabled());

    registry.recordAssignment("n-1", enrollment, HUB_1, java.time.Instant.now());
    registry.countFailedRegistration();
    registry.recordAssignment("N-1", enrollment, HUB_1, java.time.Instant.now());

    // Successes are billed (a first registration, then a re-registration); the failure is not.
    assertEquals(new OperationCounts(1, 1, 1, 2, 1, 1, 1), registry.operationCounts());
    assertEquals(7, registry.operationCounts().total());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "Dev-1.x+y%z_#*?!(),:=@$'",
        "x0123456789x0123456789x0123456789x0123456789x0123456789x0123456789x0123456789x0123456789x0123456789x0123456789x012345"
      })
  void acceptsDeviceIds(String deviceId) {
    assertTrue(DeviceIds.isValid(deviceId));
    assertEquals(
        Optional.of(deviceId),
        IndividualEnrollment.symmetricKey("d-1", TestTokens.VECTOR_KEY)
            .withDeviceId(deviceId)
            .deviceId());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "has space",
        "slash/no",
        "back\\slash",
        "ü",
        "semi;colon",
        "quote\"",
        "&amp"
      })
  void rejectsDeviceIds(String deviceId) {
    assertFalse(DeviceIds.isValid(deviceId));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            IndividualEnrollment.symmetricKey("d-1", TestTokens.VECTOR_KEY).withDeviceId(deviceId));
  }

  @Test
  void rejectsDeviceIdLongerThan128() {
    assertFalse(DeviceIds.isValid("x".repeat(129)));
  }
}
