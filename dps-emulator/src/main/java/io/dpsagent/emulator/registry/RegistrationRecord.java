package io.dpsagent.emulator.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.emulator.crypto.HmacKey;
import java.time.Instant;
import java.util.Optional;

/**
 * The outcome of a device's last successful registration, as DPS keeps it. Records are never
 * updated in place: a new registration replaces the record with a new etag, keeping {@code
 * createdDateTimeUtc}.
 *
 * @param substatus {@code initialAssignment}, {@code deviceDataMigrated}, {@code deviceDataReset}
 *     or {@code reprovisionedToInitialAssignment}
 * @param initialTwin the initial twin DPS applied on the hub (from the enrollment or the custom
 *     allocation webhook), if any
 * @param tpmDeviceKey for a TPM device, the symmetric key DPS sent it in the second activation blob
 *     of this registration: the key its TPM now signs IoT Hub SAS tokens with, which a hub emulator
 *     needs to verify them. Never sent over the service API or logged.
 */
public record RegistrationRecord(
    String registrationId,
    String deviceId,
    String assignedHub,
    Instant createdDateTimeUtc,
    Instant lastUpdatedDateTimeUtc,
    String etag,
    Optional<String> enrollmentGroupId,
    String substatus,
    Optional<JsonNode> initialTwin,
    Optional<HmacKey> tpmDeviceKey) {

  public static final String INITIAL_ASSIGNMENT = "initialAssignment";

  public RegistrationRecord {
    initialTwin = initialTwin.map(JsonNode::deepCopy);
  }

  @Override
  public Optional<JsonNode> initialTwin() {
    return initialTwin.map(JsonNode::deepCopy);
  }
}
