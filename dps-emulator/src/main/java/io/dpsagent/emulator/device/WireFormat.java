package io.dpsagent.emulator.device;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/** The JSON documents of the device API, in DPS's field names and order. */
final class WireFormat {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private WireFormat() {}

  static JsonNode toTree(Object document) {
    return MAPPER.valueToTree(document);
  }

  /** {@code RegistrationOperationStatus}: the body of every register and poll answer. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record OperationStatus(String operationId, String status, RegistrationState registrationState) {}

  /** {@code DeviceRegistrationResult}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record RegistrationState(
      String registrationId,
      String createdDateTimeUtc,
      String assignedHub,
      String deviceId,
      String status,
      String substatus,
      Integer errorCode,
      String errorMessage,
      String lastUpdatedDateTimeUtc,
      String etag,
      TpmResult tpm,
      X509Result x509,
      SymmetricKeyResult symmetricKey,
      JsonNode payload,
      List<String> issuedCertificateChain) {

    static RegistrationState assigning(String registrationId) {
      return withoutHub(registrationId, "assigning", null, null, null);
    }

    /** A state with no hub assigned: assigning, or ended with an error. */
    static RegistrationState withoutHub(
        String registrationId,
        String status,
        Integer errorCode,
        String errorMessage,
        String lastUpdatedDateTimeUtc) {
      return new RegistrationState(
          registrationId,
          null,
          null,
          null,
          status,
          null,
          errorCode,
          errorMessage,
          lastUpdatedDateTimeUtc,
          null,
          null,
          null,
          null,
          null,
          null);
    }

    /** This state with the chain of certificate issuance (base64 DER, leaf first). */
    RegistrationState withIssuedCertificateChain(List<String> chain) {
      return new RegistrationState(
          registrationId,
          createdDateTimeUtc,
          assignedHub,
          deviceId,
          status,
          substatus,
          errorCode,
          errorMessage,
          lastUpdatedDateTimeUtc,
          etag,
          tpm,
          x509,
          symmetricKey,
          payload,
          List.copyOf(chain));
    }
  }

  /** Present for TPM registrations: the second activation blob, carrying the hub device key. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record TpmResult(String authenticationKey) {}

  /** The body of the 401 that challenges a TPM device. */
  record TpmChallenge(String message, String authenticationKey, String keyName) {}

  /**
   * Present for X.509 registrations: the device certificate for an individual enrollment, the group
   * and the certificate that anchored the chain for a group.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record X509Result(
      X509CertificateInfo certificateInfo,
      String enrollmentGroupId,
      X509CertificateInfo signingCertificateInfo) {}

  /** {@code X509CertificateInfo}: clients reject it unless all eight fields are there. */
  record X509CertificateInfo(
      String subjectName,
      String sha1Thumbprint,
      String sha256Thumbprint,
      String issuerName,
      String notBeforeUtc,
      String notAfterUtc,
      String serialNumber,
      int version) {}

  /** Present for symmetric-key registrations; the group ID only for enrollment groups. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record SymmetricKeyResult(String enrollmentGroupId) {}

  /** The body of every HTTP error. */
  record ErrorBody(int errorCode, String trackingId, String message, String timestampUtc) {}
}
