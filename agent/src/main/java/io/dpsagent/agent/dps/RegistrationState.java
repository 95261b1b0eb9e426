package io.dpsagent.agent.dps;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * DPS's {@code registrationState}: the outcome for one device. Only fields the agent uses or hands
 * on to the application are kept; timestamps stay as DPS wrote them.
 */
public record RegistrationState(
    String registrationId,
    String status,
    Optional<String> assignedHub,
    Optional<String> deviceId,
    Optional<String> substatus,
    Optional<String> createdDateTimeUtc,
    Optional<String> lastUpdatedDateTimeUtc,
    Optional<String> etag,
    Optional<String> enrollmentGroupId,
    Optional<JsonNode> payload,
    Optional<Integer> errorCode,
    Optional<String> errorMessage,
    Optional<String> tpmAuthenticationKey) {}
