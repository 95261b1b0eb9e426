package io.dpsagent.e2e.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.RegistrationRecord;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every official device SDK must get from the emulator with symmetric keys, whatever its
 * transport. A subclass names the SDK and transport; each gets its own emulator.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SymmetricKeyDeviceSdkContract {

  private static final AtomicInteger DEVICES = new AtomicInteger();

  private DpsEmulator emulator;

  /** The SDK and transport under test. */
  abstract DeviceSdk sdk();

  @BeforeAll
  void startEmulator() throws Exception {
    emulator = StandardPortEmulators.start();
  }

  @AfterAll
  void stopEmulator() {
    if (emulator != null) {
      emulator.close();
    }
  }

  static String newKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  private String newRegistrationId() {
    return "interop-" + getClass().getSimpleName().toLowerCase() + "-" + DEVICES.incrementAndGet();
  }

  @Test
  void individualEnrollmentIsAssignedTheDesiredDeviceId() throws Exception {
    String id = newRegistrationId();
    String key = newKey();
    emulator.registry().addIndividualEnrollment(IndividualEnrollment.symmetricKey(id, key).withDeviceId(id + "-device"));

    Outcome outcome = sdk().registerWithDeviceKey(emulator, id, key);

    RegistrationRecord record = emulator.registry().registration(id).orElseThrow(() -> new AssertionError(
        "no registration record for " + id + "; the SDK reported " + outcome));
    assertEquals(new Outcome.Registered("assigned", record.assignedHub(), id + "-device"), outcome);
    assertEquals(id + "-device", record.deviceId());
    assertTrue(StandardPortEmulators.HUBS.stream().anyMatch(h -> h.hostName().equals(record.assignedHub())),
        record.assignedHub());
  }

  @Test
  void groupEnrollmentAcceptsTheKeyDerivedOnTheDevice() throws Exception {
    String id = newRegistrationId();
    String groupId = id + "-group";
    String groupKey = newKey();
    emulator.registry().addEnrollmentGroup(EnrollmentGroup.symmetricKey(groupId, groupKey));

    Outcome outcome = sdk().registerWithGroupKey(emulator, id, groupKey);

    RegistrationRecord record = emulator.registry().registration(id).orElseThrow(() -> new AssertionError(
        "no registration record for " + id + "; the SDK reported " + outcome));
    assertEquals(new Outcome.Registered("assigned", record.assignedHub(), id), outcome);
    assertEquals(id, record.deviceId());
    assertEquals(Optional.of(groupId), record.enrollmentGroupId());
  }

  @Test
  void wrongKeySurfacesTheEmulators401AndCreatesNoRecord() throws Exception {
    String id = newRegistrationId();
    emulator.registry().addIndividualEnrollment(IndividualEnrollment.symmetricKey(id, newKey()));

    Outcome outcome = sdk().registerWithDeviceKey(emulator, id, newKey());

    Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
    assertEquals(OptionalInt.of(401), failed.httpStatus(), failed.report());
    assertTrue(failed.report().contains("401002"), "the service's errorCode reaches the caller: " + failed.report());
    assertEquals(Optional.empty(), emulator.registry().registration(id));
  }
}
