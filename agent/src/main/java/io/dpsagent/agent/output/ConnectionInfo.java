package io.dpsagent.agent.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;

/**
 * What the device's application needs to reach its IoT hub: the content of {@code connection.json}.
 * It holds no secret; where the key material lives is named by URIs in {@code hubAuth}.
 *
 * @param attestation the method the device attested with
 * @param hubAuth how the device authenticates to the hub
 */
public record ConnectionInfo(
    String hubHostName,
    String deviceId,
    String registrationId,
    String idScope,
    String dpsEndpoint,
    String attestation,
    HubAuth hubAuth,
    Optional<String> enrollmentGroupId,
    Optional<String> substatus,
    Optional<JsonNode> payload,
    Optional<String> createdDateTimeUtc,
    Optional<String> lastUpdatedDateTimeUtc,
    Optional<String> etag,
    Instant provisionedAt,
    Optional<String> identityFingerprint) {

  /** The same assignment, to be written with another hub authentication (a rotated key). */
  public ConnectionInfo withHubAuth(HubAuth auth) {
    return new ConnectionInfo(hubHostName, deviceId, registrationId, idScope, dpsEndpoint, attestation, auth,
        enrollmentGroupId, substatus, payload, createdDateTimeUtc, lastUpdatedDateTimeUtc, etag, provisionedAt,
        identityFingerprint);
  }
}
