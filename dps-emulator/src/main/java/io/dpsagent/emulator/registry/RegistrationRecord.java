package io.dpsagent.emulator.registry;

import java.time.Instant;
import java.util.Optional;

/** The outcome of a device's last successful registration, as DPS keeps it. */
public record RegistrationRecord(
    String registrationId,
    String deviceId,
    String assignedHub,
    Instant createdDateTimeUtc,
    Instant lastUpdatedDateTimeUtc,
    String etag,
    Optional<String> enrollmentGroupId) {}
