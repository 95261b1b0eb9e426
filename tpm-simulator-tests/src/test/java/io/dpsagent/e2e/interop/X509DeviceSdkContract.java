package io.dpsagent.e2e.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.common.testing.TestPki;
import io.dpsagent.common.testing.TestPki.KeyType;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every official device SDK must get from the emulator with X.509 attestation, whatever its
 * transport: the device authenticates with its TLS client certificate (CN = registration ID) and
 * sends no SAS token. A subclass names the SDK and transport; each gets its own emulator.
 */
abstract class X509DeviceSdkContract extends DeviceSdkContract {

  @Test
  void selfSignedCertificateEnrolledIndividuallyIsAssignedTheDesiredDeviceId() throws Exception {
    String id = newRegistrationId();
    TestPki.Leaf device = TestPki.selfSigned(id, KeyType.EC_P256);
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.x509(id, device.certificate()).withDeviceId(id + "-device"));

    Outcome outcome = sdk().registerWithCertificate(emulator, id, device);

    assertAssigned(id, id + "-device", Optional.empty(), outcome);
  }

  @Test
  void caIssuedLeafEnrolledIndividuallyNeedsNoEnrolledCa() throws Exception {
    String id = newRegistrationId();
    TestPki.Leaf device = TestPki.rootCa(id + "-ca").leaf(id, KeyType.EC_P256);
    emulator
        .registry()
        .addIndividualEnrollment(IndividualEnrollment.x509(id, device.certificate()));

    Outcome outcome = sdk().registerWithCertificate(emulator, id, device);

    assertAssigned(id, id, Optional.empty(), outcome);
  }

  @Test
  void groupOnTheRootAcceptsALeafPresentedWithItsIntermediate() throws Exception {
    String id = newRegistrationId();
    String groupId = id + "-group";
    TestPki.Issuer root = TestPki.rootCa(id + "-root");
    TestPki.Leaf device = root.intermediate(id + "-intermediate").leaf(id, KeyType.EC_P256);
    assertEquals(2, device.chain().size(), "the device presents its leaf and the intermediate");
    emulator.registry().addEnrollmentGroup(EnrollmentGroup.x509(groupId, root.certificate()));

    Outcome outcome = sdk().registerWithCertificate(emulator, id, device);

    assertAssigned(id, id, Optional.of(groupId), outcome);
  }

  @Test
  void certificateThatIsNotEnrolledSurfacesTheEmulators401AndCreatesNoRecord() throws Exception {
    String id = newRegistrationId();
    // Enrolled: another certificate with the same CN; and a group on a CA that did not issue the
    // device's.
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.x509(id, TestPki.selfSigned(id, KeyType.EC_P256).certificate()));
    emulator
        .registry()
        .addEnrollmentGroup(
            EnrollmentGroup.x509(id + "-group", TestPki.rootCa(id + "-other-root").certificate()));
    TestPki.Leaf device =
        TestPki.rootCa(id + "-root").intermediate(id + "-intermediate").leaf(id, KeyType.EC_P256);

    Outcome outcome = sdk().registerWithCertificate(emulator, id, device);

    assertUnauthorized(id, outcome);
  }
}
