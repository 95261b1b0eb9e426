package io.dpsagent.emulator.service;

import io.dpsagent.emulator.encoding.DpsError;

/**
 * Service API errors with six-digit codes in DPS's pattern (HTTP status * 1000 + detail). The
 * details are the emulator's own; clients act on the HTTP status.
 */
public enum ServiceError implements DpsError {
  INVALID_REQUEST(400, 400100, "The request is invalid."),
  MISSING_API_VERSION(400, 400101, "The api-version query parameter is missing or not supported."),
  UNAUTHORIZED(401, 401002, "Unauthorized"),
  NOT_FOUND(404, 404000, "The requested resource does not exist."),
  REGISTRATION_NOT_FOUND(404, 404201, "The device registration does not exist."),
  ENROLLMENT_NOT_FOUND(404, 404202, "The enrollment does not exist."),
  ENROLLMENT_GROUP_NOT_FOUND(404, 404203, "The enrollment group does not exist."),
  METHOD_NOT_ALLOWED(405, 405000, "The method is not allowed on this resource."),
  CONFLICT(409, 409201, "The resource already exists."),
  PRECONDITION_FAILED(
      412,
      412001,
      "The If-Match etag does not match the resource (or there is none), or If-None-Match: *"
          + " found it."),
  PAYLOAD_TOO_LARGE(413, 413000, "The request body is too large.");

  private final Code code;

  ServiceError(int httpStatus, int errorCode, String message) {
    this.code = new Code(httpStatus, errorCode, message);
  }

  @Override
  public Code code() {
    return code;
  }
}
