package io.dpsagent.e2e.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.emulator.crypto.HmacKey;
import io.dpsagent.emulator.device.RequestLog;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.RegistrationRecord;
import io.dpsagent.hsm.testing.Swtpm;
import io.dpsagent.hsm.tpm.TpmAttestor;
import io.dpsagent.hsm.tpm.TpmSettings;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * azure-iot-provisioning-device + -http + azure-iot-security-tpm (tss.js) on swtpm against the
 * emulator's TPM nonce challenge. The SDK talks to swtpm's TPM command port directly (see
 * register-device.js); swtpm serves one client at a time, so every TPM read here happens while no
 * Node child runs.
 */
class NodeSdkHttpsTpmTest extends DeviceSdkContract {

  // What azure-iot-provisioning-device-http 1.9.1 reports when the unauthenticated first request is
  // answered with anything but 401, or with a 401 that carries no authenticationKey. It keeps
  // neither the status nor the body.
  private static final String NOT_A_CHALLENGE =
      "{\"name\":\"InvalidOperationError\",\"message\":"
          + "\"The server did NOT respond with an unauthorized error.  For a TPM challenge this is incorrect.\"";
  private static final String CHALLENGE_WITHOUT_KEY =
      "{\"name\":\"FormatError\",\"message\":"
          + "\"The server did NOT respond with an appropriately formatted authentication blob.\"";

  private Swtpm tpm;

  @Override
  NodeDeviceSdk sdk() {
    return NodeDeviceSdk.http();
  }

  @BeforeAll
  void startTpm() {
    tpm = Swtpm.start();
  }

  @AfterAll
  void stopTpm() {
    if (tpm != null) {
      tpm.close();
    }
  }

  private record TpmIdentity(String registrationId, byte[] endorsementKey) {}

  /**
   * The EK and registration ID as a factory reads them; on a fresh TPM this creates and persists
   * the EK and SRK with the standard templates. Closed before the SDK connects.
   */
  private static TpmIdentity identity(Swtpm which) throws Exception {
    try (TpmAttestor attestor = TpmAttestor.open(which.tcti(), TpmSettings.defaults())) {
      return new TpmIdentity(attestor.registrationId(), attestor.endorsementKey());
    }
  }

  private void enroll(String registrationId, byte[] endorsementKey) {
    emulator
        .registry()
        .addIndividualEnrollment(IndividualEnrollment.tpm(registrationId, endorsementKey));
  }

  /**
   * The statuses the emulator answered the registration requests for {@code registrationId} with.
   */
  private List<Integer> registerStatuses(String registrationId) {
    String path = "/" + emulator.idScope() + "/registrations/" + registrationId + "/register";
    return emulator.requestLog().entries().stream()
        .filter(e -> e.method().equals("PUT") && e.path().equals(path))
        .map(RequestLog.Entry::status)
        .toList();
  }

  /** The identity key the SDK persisted in the TPM is the device key DPS sent (same HMAC). */
  private static void assertTpmHolds(Swtpm which, HmacKey deviceKey) throws Exception {
    byte[] data = "interop-tpm-check\n1700000000".getBytes(StandardCharsets.UTF_8);
    try (TpmAttestor attestor = TpmAttestor.open(which.tcti(), TpmSettings.defaults())) {
      assertArrayEquals(deviceKey.mac(data), attestor.signer().sign(data));
    }
  }

  private static void assertSdkError(String expectedError, Outcome outcome) {
    Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
    assertEquals(OptionalInt.empty(), failed.httpStatus(), failed.report());
    assertEquals(OptionalInt.empty(), failed.errorCode(), failed.report());
    assertTrue(failed.report().contains(expectedError), failed.report());
  }

  /**
   * The SDK failed with {@code expectedError} after DPS answered the one registration request for
   * {@code registrationId} with {@code status} ({@code why}), and nothing was registered.
   */
  private void assertRefused(
      String expectedError, Outcome outcome, String registrationId, int status, String why) {
    assertSdkError(expectedError, outcome);
    assertEquals(List.of(status), registerStatuses(registrationId), why);
    assertEquals(Optional.empty(), emulator.registry().registration(registrationId));
  }

  @Test
  void enrolledTpmIsAssignedAndKeepsTheDeviceKeyInTheTpm() throws Exception {
    TpmIdentity id = identity(tpm);
    enroll(id.registrationId(), id.endorsementKey());

    Outcome first = sdk().registerWithTpm(emulator, tpm.port());

    RegistrationRecord record = assertAssigned(id.registrationId(), id.registrationId(), first);
    HmacKey firstKey = record.tpmDeviceKey().orElseThrow();
    assertTpmHolds(tpm, firstKey);
    // challenge (401), then the SAS-signed request (202), then one or more status polls
    assertEquals(List.of(401, 202), registerStatuses(id.registrationId()));

    Outcome again = sdk().registerWithTpm(emulator, tpm.port());

    RegistrationRecord second = assertAssigned(id.registrationId(), id.registrationId(), again);
    HmacKey secondKey = second.tpmDeviceKey().orElseThrow();
    assertFalse(
        secondKey.toBase64().equals(firstKey.toBase64()),
        "DPS sends a new key with every registration");
    assertTpmHolds(tpm, secondKey);
  }

  @Test
  void tpmNotEnrolledIsRefusedUntilTheEkTheSdkCreatedIsEnrolled() throws Exception {
    try (Swtpm fresh = Swtpm.start()) {
      Outcome refused = sdk().registerWithTpm(emulator, fresh.port());

      // The SDK created and persisted an EK and SRK of its own; the factory reads that EK.
      TpmIdentity id = identity(fresh);
      assertRefused(
          NOT_A_CHALLENGE,
          refused,
          id.registrationId(),
          404,
          "404 (errorCode 404201): no enrollment");

      enroll(id.registrationId(), id.endorsementKey());
      Outcome assigned = sdk().registerWithTpm(emulator, fresh.port());

      RegistrationRecord record =
          assertAssigned(id.registrationId(), id.registrationId(), assigned);
      assertTpmHolds(fresh, record.tpmDeviceKey().orElseThrow());
    }
  }

  @Test
  void enrollmentWithAnotherTpmsEkIsRefused() throws Exception {
    TpmIdentity enrolledTpm = identity(tpm);
    try (Swtpm other = Swtpm.start()) {
      TpmIdentity id = identity(other);
      enroll(id.registrationId(), enrolledTpm.endorsementKey());

      Outcome refused = sdk().registerWithTpm(emulator, other.port());

      assertRefused(
          CHALLENGE_WITHOUT_KEY,
          refused,
          id.registrationId(),
          401,
          "401 (errorCode 401002): EK differs");
    }
  }
}
