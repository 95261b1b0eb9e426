package io.dpsagent.emulator.device;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.emulator.auth.X509Match;
import io.dpsagent.emulator.device.WireFormat.OperationStatus;
import io.dpsagent.emulator.device.WireFormat.RegistrationState;
import io.dpsagent.emulator.device.WireFormat.SymmetricKeyResult;
import io.dpsagent.emulator.device.WireFormat.TpmResult;
import io.dpsagent.emulator.device.WireFormat.X509Result;
import io.dpsagent.emulator.registry.RegistrationRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Builds the three shapes of {@code RegistrationOperationStatus} DPS sends. */
final class RegistrationResults {

  private static final String ASSIGNING = "assigning";

  private RegistrationResults() {}

  /** The answer to register: no registrationState yet. */
  static OperationStatus started(String operationId) {
    return new OperationStatus(operationId, ASSIGNING, null);
  }

  /** The answer to a poll while assigning. */
  static OperationStatus assigning(String operationId, String registrationId) {
    return new OperationStatus(operationId, ASSIGNING, RegistrationState.assigning(registrationId));
  }

  /**
   * The terminal success.
   *
   * @param x509 how an X.509 device matched (empty for SAS)
   * @param tpmAuthenticationKey for a TPM device, the activation blob of its hub device key
   * @param payload the custom allocation webhook's payload for the device (the initial twin never
   *     goes to the device)
   */
  static OperationStatus assigned(
      String operationId,
      RegistrationRecord record,
      Optional<X509Match> x509,
      Optional<String> tpmAuthenticationKey,
      Optional<JsonNode> payload) {
    RegistrationState state =
        assignedState(record, x509, tpmAuthenticationKey.map(TpmResult::new), payload);
    return new OperationStatus(operationId, "assigned", state);
  }

  /**
   * The answer to a registration status lookup: the record's state, without the one-time parts of
   * the register answer (the TPM device key blob, the webhook's payload).
   */
  static RegistrationState lookedUp(RegistrationRecord record, AuthenticatedDevice device) {
    Optional<TpmResult> tpm = device.tpm().map(match -> new TpmResult(null));
    return assignedState(record, device.x509(), tpm, Optional.empty());
  }

  private static RegistrationState assignedState(
      RegistrationRecord record,
      Optional<X509Match> x509,
      Optional<TpmResult> tpm,
      Optional<JsonNode> payload) {
    boolean symmetricKey = x509.isEmpty() && tpm.isEmpty();
    return new RegistrationState(
        record.registrationId(),
        DpsTimestamps.format(record.createdDateTimeUtc()),
        record.assignedHub(),
        record.deviceId(),
        "assigned",
        record.substatus(),
        null,
        null,
        DpsTimestamps.format(record.lastUpdatedDateTimeUtc()),
        record.etag(),
        tpm.orElse(null),
        x509.map(match -> x509Result(match, record)).orElse(null),
        symmetricKey ? symmetricKeyResult(record) : null,
        payload.orElse(null),
        null);
  }

  /**
   * A failure found while assigning. Clients read the error from registrationState, and some crash
   * without the top-level operationId, so both are always present.
   *
   * @param status "failed" or "disabled"
   */
  static OperationStatus failed(
      String operationId, String registrationId, String status, DeviceError error, Instant now) {
    RegistrationState state =
        RegistrationState.withoutHub(
            registrationId, status, error.errorCode(), error.message(), DpsTimestamps.format(now));
    return new OperationStatus(operationId, status, state);
  }

  /** A terminal success carrying the chain of certificate issuance. */
  static OperationStatus withIssuedCertificateChain(OperationStatus assigned, List<String> chain) {
    return new OperationStatus(
        assigned.operationId(),
        assigned.status(),
        assigned.registrationState().withIssuedCertificateChain(chain));
  }

  private static SymmetricKeyResult symmetricKeyResult(RegistrationRecord record) {
    return new SymmetricKeyResult(record.enrollmentGroupId().orElse(null));
  }

  private static X509Result x509Result(X509Match match, RegistrationRecord record) {
    if (match.signingCertificate().isEmpty()) {
      return new X509Result(CertificateInfos.of(match.deviceCertificate()), null, null);
    }
    return new X509Result(
        null,
        record.enrollmentGroupId().orElse(null),
        CertificateInfos.of(match.signingCertificate().get()));
  }
}
