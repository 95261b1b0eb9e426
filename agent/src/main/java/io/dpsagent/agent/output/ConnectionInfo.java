package io.dpsagent.agent.output;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.agent.AgentException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * What the device's application needs to reach its IoT hub: the content of {@code connection.json}.
 * It holds no secret; where the key material lives is named by URIs in {@code hubAuth}.
 *
 * @param attestation the method the device attested with
 * @param hubAuth how the device authenticates to the hub
 * @param hubVerification how the last connection to the hub with this assignment's credential went
 * @param certificate the certificate DPS issued at provisioning, when certificate issuance is on
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
    Optional<String> identityFingerprint,
    HubVerification hubVerification,
    Optional<IssuedCertificate> certificate) {

  /**
   * Reads a {@code connection.json} file, as written by {@link OutputWriter}: for {@code token},
   * scripts and tests.
   *
   * @throws AgentException (CONFIG) if the file is missing, unreadable or lacks a required field
   */
  public static ConnectionInfo read(Path file) throws AgentException {
    return ConnectionFile.readIfPresent(file)
        .orElseThrow(
            () -> AgentException.config(file + " does not exist; run dps-agent provision first"));
  }

  /**
   * The {@code connection.json} of output directory {@code dir}, or empty when there is none yet.
   */
  public static Optional<ConnectionInfo> readIfPresent(Path dir) throws AgentException {
    return ConnectionFile.readIfPresent(dir.resolve(OutputWriter.CONNECTION_JSON));
  }

  /** The same assignment, to be written with another hub authentication (a rotated key). */
  public ConnectionInfo withHubAuth(HubAuth auth) {
    return with(auth, hubVerification, certificate);
  }

  /** The same assignment, with the outcome of a new verification of its hub. */
  public ConnectionInfo withHubVerification(HubVerification verification) {
    return with(hubAuth, verification, certificate);
  }

  /** The same assignment with the certificate DPS issued for it. */
  public ConnectionInfo withCertificate(IssuedCertificate issued) {
    return with(hubAuth, hubVerification, Optional.of(issued));
  }

  /** The one copy of the assignment: what changes after provisioning is passed in. */
  private ConnectionInfo with(
      HubAuth auth, HubVerification verification, Optional<IssuedCertificate> issued) {
    return new ConnectionInfo(
        hubHostName,
        deviceId,
        registrationId,
        idScope,
        dpsEndpoint,
        attestation,
        auth,
        enrollmentGroupId,
        substatus,
        payload,
        createdDateTimeUtc,
        lastUpdatedDateTimeUtc,
        etag,
        provisionedAt,
        identityFingerprint,
        verification,
        issued);
  }
}
