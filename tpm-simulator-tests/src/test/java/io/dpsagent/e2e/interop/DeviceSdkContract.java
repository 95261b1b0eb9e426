package io.dpsagent.e2e.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.RegistrationRecord;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the device-SDK contracts share: one emulator per test class on the SDKs' standard ports,
 * fresh registration IDs, and the checks of an assignment or a refusal against the emulator's own
 * registration records.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DeviceSdkContract {

  private static final AtomicInteger DEVICES = new AtomicInteger();

  DpsEmulator emulator;

  /** The SDK and transport under test. */
  abstract DeviceSdk sdk();

  @BeforeAll
  void startEmulator() throws Exception {
    emulator = StandardPortEmulators.start(sdk().mqttReplyDelay(), sdk().usesMqttPort());
  }

  @AfterAll
  void stopEmulator() {
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  void theEmulatorServesWhereTheSdkDials() {
    // MQTT over WebSocket shares the HTTPS host and port, as on DPS (wss://host:443/...).
    assertEquals(StandardPortEmulators.HTTPS_PORT, emulator.httpsEndpoint().getPort());
    assertEquals(emulator.httpsEndpoint().getPort(), emulator.mqttWebSocketEndpoint().getPort());
    assertEquals(emulator.httpsEndpoint().getHost(), emulator.mqttWebSocketEndpoint().getHost());
    assertEquals(
        sdk().usesMqttPort(),
        emulator.mqttEndpoint().getPort() == StandardPortEmulators.MQTT_PORT,
        emulator.mqttEndpoint()::toString);
  }

  /** Unique in the run, and short enough to be a certificate CN (at most 64 characters). */
  String newRegistrationId() {
    return "interop-"
        + getClass().getSimpleName().toLowerCase(Locale.ROOT)
        + "-"
        + DEVICES.incrementAndGet();
  }

  /**
   * Asserts the SDK reported {@code assigned} with exactly the hub and device ID of the emulator's
   * record, and returns that record.
   */
  RegistrationRecord assertAssigned(String registrationId, String deviceId, Outcome outcome) {
    RegistrationRecord record =
        emulator
            .registry()
            .registration(registrationId)
            .orElseThrow(
                () ->
                    new AssertionError(
                        "no registration record for "
                            + registrationId
                            + "; the SDK reported "
                            + outcome));
    assertEquals(new Outcome.Registered("assigned", record.assignedHub(), deviceId), outcome);
    assertEquals(deviceId, record.deviceId());
    assertTrue(
        StandardPortEmulators.HUBS.stream()
            .anyMatch(h -> h.hostName().equals(record.assignedHub())),
        record.assignedHub());
    return record;
  }

  /**
   * Asserts {@link #assertAssigned(String, String, Outcome)}, and that the record names {@code
   * enrollmentGroupId}: empty where an individual enrollment admitted the device.
   */
  void assertAssigned(
      String registrationId, String deviceId, Optional<String> enrollmentGroupId, Outcome outcome) {
    RegistrationRecord record = assertAssigned(registrationId, deviceId, outcome);
    assertEquals(enrollmentGroupId, record.enrollmentGroupId(), record::toString);
  }

  /**
   * Asserts the SDK reported the emulator's 401 (errorCode 401002), with the HTTP status where the
   * SDK surfaces one, and that no registration record exists.
   */
  void assertUnauthorized(String registrationId, Outcome outcome) {
    Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
    assertEquals(
        OptionalInt.of(401002),
        failed.errorCode(),
        "the service's errorCode reaches the caller: " + failed.report());
    assertEquals(
        sdk().surfacesStatus() ? OptionalInt.of(401) : OptionalInt.empty(),
        failed.httpStatus(),
        failed.report());
    assertEquals(Optional.empty(), emulator.registry().registration(registrationId));
  }
}
