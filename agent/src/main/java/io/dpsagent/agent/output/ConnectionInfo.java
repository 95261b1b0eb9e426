package io.dpsagent.agent.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;

/**
 * What the device's application needs to reach its IoT hub: the content of {@code connection.json}.
 * It holds no secret; where the key lives is named by {@code keyUri} (or the connection-string file).
 *
 * @param authType how the device authenticates to the hub ({@code sas} for symmetric keys)
 * @param keyUri the key the hub SAS tokens are signed with, when it is usable as configured
 */
public record ConnectionInfo(
    String hubHostName,
    String deviceId,
    String registrationId,
    String idScope,
    String dpsEndpoint,
    String attestation,
    String authType,
    Optional<String> keyUri,
    Optional<String> enrollmentGroupId,
    Optional<String> substatus,
    Optional<JsonNode> payload,
    Optional<String> createdDateTimeUtc,
    Optional<String> lastUpdatedDateTimeUtc,
    Optional<String> etag,
    Instant provisionedAt) {}
