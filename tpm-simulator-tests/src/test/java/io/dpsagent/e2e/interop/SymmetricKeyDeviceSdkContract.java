package io.dpsagent.e2e.interop;

import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every official device SDK must get from the emulator with symmetric keys, whatever its
 * transport. A subclass names the SDK and transport; each gets its own emulator.
 */
abstract class SymmetricKeyDeviceSdkContract extends DeviceSdkContract {

  static String newKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  @Test
  void individualEnrollmentIsAssignedTheDesiredDeviceId() throws Exception {
    String id = newRegistrationId();
    String key = newKey();
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.symmetricKey(id, key).withDeviceId(id + "-device"));

    Outcome outcome = sdk().registerWithDeviceKey(emulator, id, key);

    assertAssigned(id, id + "-device", Optional.empty(), outcome);
  }

  @Test
  void groupEnrollmentAcceptsTheKeyDerivedOnTheDevice() throws Exception {
    String id = newRegistrationId();
    String groupId = id + "-group";
    String groupKey = newKey();
    emulator.registry().addEnrollmentGroup(EnrollmentGroup.symmetricKey(groupId, groupKey));

    Outcome outcome = sdk().registerWithGroupKey(emulator, id, groupKey);

    assertAssigned(id, id, Optional.of(groupId), outcome);
  }

  @Test
  void wrongKeySurfacesTheEmulators401AndCreatesNoRecord() throws Exception {
    String id = newRegistrationId();
    emulator.registry().addIndividualEnrollment(IndividualEnrollment.symmetricKey(id, newKey()));

    Outcome outcome = sdk().registerWithDeviceKey(emulator, id, newKey());

    assertUnauthorized(id, outcome);
  }
}
