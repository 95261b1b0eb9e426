package io.dpsagent.emulator.device;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
      SymmetricKeyResult symmetricKey,
      JsonNode payload) {

    static RegistrationState assigning(String registrationId) {
      return new RegistrationState(
          registrationId, null, null, null, "assigning", null, null, null, null, null, null, null);
    }
  }

  /** Present for symmetric-key registrations; the group ID only for enrollment groups. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record SymmetricKeyResult(String enrollmentGroupId) {}

  /** The body of every HTTP error. */
  record ErrorBody(int errorCode, String trackingId, String message, String timestampUtc) {}
}
