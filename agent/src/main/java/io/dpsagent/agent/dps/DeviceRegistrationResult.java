package io.dpsagent.agent.dps;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * DPS's {@code registrationState} ({@code DeviceRegistrationResult}): the outcome for one device.
 * Only fields the agent uses or hands on to the application are kept; timestamps stay as DPS wrote
 * them, and the enrollment group of the {@code symmetricKey} or {@code x509} result is lifted up.
 *
 * @param errorMessage escaped and cut short: it is shown to the operator
 * @param tpm the hub key DPS sends a TPM device on assignment
 * @param issuedCertificateChain base64 DER certificates of certificate issuance, leaf first; empty
 *     when DPS issued none
 */
public record DeviceRegistrationResult(
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
    Optional<TpmRegistrationResult> tpm,
    List<String> issuedCertificateChain) {

  public DeviceRegistrationResult {
    issuedCertificateChain = List.copyOf(issuedCertificateChain);
  }
}
