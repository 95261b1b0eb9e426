package io.dpsagent.emulator.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.emulator.TestTokens;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RegistryTest {

  private static final LinkedHub HUB_1 = LinkedHub.withHostName("hub-1.azure-devices.net");
  private static final LinkedHub HUB_2 = new LinkedHub("hub-2.azure-devices.net", 2);

  private final Registry registry = new Registry("0ne00ABCDEF", List.of(HUB_1, HUB_2));

  @Test
  void findsIndividualEnrollmentsRegardlessOfCase() {
    registry.addIndividualEnrollment(
        IndividualEnrollment.symmetricKey("My-Device", TestTokens.VECTOR_KEY));

    assertTrue(registry.individualEnrollment("my-device").isPresent());
    assertTrue(registry.individualEnrollment("MY-DEVICE").isPresent());
  }

  @Test
  void replacesEnrollmentWithSameRegistrationId() {
    registry.addIndividualEnrollment(
        IndividualEnrollment.symmetricKey("dev", TestTokens.VECTOR_KEY));
    registry.addIndividualEnrollment(
        IndividualEnrollment.symmetricKey("DEV", TestTokens.VECTOR_KEY).disabled());

    assertEquals(
        ProvisioningStatus.DISABLED,
        registry.individualEnrollment("dev").orElseThrow().provisioningStatus());
  }

  @Test
  void recordKeepsCreationTimeAcrossReRegistration() {
    IndividualEnrollment enrollment =
        IndividualEnrollment.symmetricKey("dev", TestTokens.VECTOR_KEY).withDeviceId("device-x");
    Instant first = Instant.parse("2026-01-01T00:00:00Z");
    Instant second = Instant.parse("2026-01-02T00:00:00Z");

    RegistrationRecord created = registry.recordAssignment("dev", enrollment, HUB_1, first);
    RegistrationRecord replaced = registry.recordAssignment("DEV", enrollment, HUB_2, second);

    assertEquals("device-x", replaced.deviceId());
    assertEquals(first, replaced.createdDateTimeUtc());
    assertEquals(second, replaced.lastUpdatedDateTimeUtc());
    assertEquals(HUB_2.hostName(), replaced.assignedHub());
    assertNotEquals(created.etag(), replaced.etag());
    assertEquals(Optional.of(replaced), registry.registration("Dev"));
    assertEquals(1, registry.registrations().size());
  }

  @Test
  void groupRecordCarriesGroupIdAndRegistrationIdAsDeviceId() {
    EnrollmentGroup group = EnrollmentGroup.symmetricKey("line-3", TestTokens.VECTOR_GROUP_KEY);

    RegistrationRecord record = registry.recordAssignment("sensor-9", group, HUB_1, Instant.EPOCH);

    assertEquals("sensor-9", record.deviceId());
    assertEquals(Optional.of("line-3"), record.enrollmentGroupId());
  }

  @Test
  void eligibleHubsFollowEnrollmentRestriction() {
    IndividualEnrollment anyHub = IndividualEnrollment.symmetricKey("a", TestTokens.VECTOR_KEY);
    IndividualEnrollment hub2Only = anyHub.withIotHubs(List.of("HUB-2.azure-devices.net"));
    IndividualEnrollment unlinked = anyHub.withIotHubs(List.of("elsewhere.azure-devices.net"));

    assertEquals(List.of(HUB_1, HUB_2), registry.eligibleHubs(anyHub));
    assertEquals(List.of(HUB_2), registry.eligibleHubs(hub2Only));
    assertEquals(List.of(), registry.eligibleHubs(unlinked));
  }

  @Test
  void concurrentRegistrationsKeepOneRecordEach() throws Exception {
    EnrollmentGroup group = EnrollmentGroup.symmetricKey("g", TestTokens.VECTOR_GROUP_KEY);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<RegistrationRecord>> results = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String id = "dev-" + (i % 100);
        results.add(pool.submit(() -> registry.recordAssignment(id, group, HUB_1, Instant.now())));
      }
      for (Future<RegistrationRecord> result : results) {
        result.get();
      }
    } finally {
      pool.shutdown();
      assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    }
    assertEquals(100, registry.registrations().size());
  }

  @Test
  void rejectsInvalidIdScopeAndEnrollment() {
    assertThrows(IllegalArgumentException.class, () -> new Registry("0ne-bad", List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> IndividualEnrollment.symmetricKey("bad id", TestTokens.VECTOR_KEY));
    assertThrows(
        IllegalArgumentException.class,
        () -> IndividualEnrollment.symmetricKey("dev", "not base64!"));
  }

  @Test
  void generatedIdScopeLooksReal() {
    String idScope = IdScopes.generate();

    assertTrue(idScope.matches("0ne[0-9A-F]{8}"), idScope);
    assertTrue(IdScopes.isValid(idScope));
  }
}
