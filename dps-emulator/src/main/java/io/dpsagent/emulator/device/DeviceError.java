package io.dpsagent.emulator.device;

import io.dpsagent.emulator.encoding.DpsError;

/**
 * The errors the emulator reports, with DPS's six-digit codes (HTTP status * 1000 + detail).
 *
 * <p>Only 400004 "Invalid RegistrationId" (azure-iot-sdk-c #405, azure-iot-sdk-csharp #547) and
 * "Unsupported API version" (Azure/iotedge #4112: the service uses one code for both), 401002 (with
 * "Invalid certificate." for X.509 devices, as a Stack Overflow trace of the real service shows),
 * 400208, 400209 and 404201 are codes seen from the real service; the others follow its pattern. An
 * unknown ID scope is reported as 404 rather than folded into 401, so that a mistyped scope is told
 * apart from a bad key when debugging against the emulator.
 */
public enum DeviceError implements DpsError {
  MALFORMED_REQUEST(400, 400000, "The request is malformed."),
  INVALID_REQUEST_BODY(400, 400001, "The request body is not a valid DeviceRegistration."),
  REGISTRATION_ID_MISMATCH(
      400, 400002, "The registrationId in the body does not match the one in the URL."),
  INVALID_REGISTRATION_ID(
      400,
      400004,
      "Invalid RegistrationId: it must be 1 to 128 characters from A-Z a-z 0-9 - . _ :, start with a"
          + " letter or digit and end with a letter, digit or '-'."),
  UNSUPPORTED_API_VERSION(400, 400004, "The api-version is missing or not supported."),
  X509_REGISTRATION_ID_TOO_LONG(
      400,
      400005,
      "An X.509 registration ID is the certificate's subject CN: at most 64 characters."),
  INVALID_TPM_KEY(
      400,
      400006,
      "tpm.endorsementKey and tpm.storageRootKey must be base64 TPM2B_PUBLIC structures of RSA-2048"
          + " keys with SHA-256 names and AES-128-CFB symmetric parameters."),
  // Certificate issuance (api-version 2025-07-01-preview and later); the service's own codes for
  // these refusals are not published, so the emulator numbers them 4004xx.
  CSR_NOT_ENABLED(
      400,
      400401,
      "The enrollment is not set for certificate issuance; send the request without csr, or enable"
          + " certificate issuance on the enrollment."),
  CSR_INVALID(
      400,
      400402,
      "csr must be the base64 of a DER PKCS#10 certificate request whose signature verifies."),
  CSR_SUBJECT_MISMATCH(
      400, 400403, "The certificate request's subject CN must be the registration ID."),
  CSR_KEY_UNSUPPORTED(
      400,
      400404,
      "The certificate request's key must be EC P-256, EC P-384 or RSA of at least 2048 bits."),
  UNAUTHORIZED(401, 401002, "Unauthorized"),
  INVALID_CERTIFICATE(401, 401002, "Invalid certificate."),
  TPM_OVER_MQTT(
      401,
      401002,
      "TPM attestation is supported over HTTPS only; over MQTT, use a SAS token or an X.509"
          + " certificate."),
  NOT_FOUND(404, 404000, "The requested resource does not exist."),
  ID_SCOPE_NOT_FOUND(404, 404001, "The ID scope is unknown."),
  OPERATION_NOT_FOUND(404, 404002, "The operation is unknown."),
  TPM_REGISTRATION_NOT_FOUND(404, 404201, "No TPM enrollment exists for this registration ID."),
  // The service API's code for a missing registration record.
  REGISTRATION_NOT_FOUND(404, 404201, "The device registration does not exist."),
  CSR_IN_STATUS_LOOKUP(
      400,
      400001,
      "A registration status lookup carries no csr: certificates are issued by register only."),
  METHOD_NOT_ALLOWED(405, 405000, "The method is not allowed on this resource."),

  // Found while assigning: reported inside a 200 poll result, not as an HTTP status.
  NO_HUB_AVAILABLE(400, 400208, "No linked IoT hub is available for this enrollment."),
  ENROLLMENT_DISABLED(403, 403001, "The enrollment is disabled."),
  CUSTOM_ALLOCATION_FAILED(
      400, 400301, "The custom allocation webhook failed, timed out or gave an unusable answer."),
  CUSTOM_ALLOCATION_HUB_NOT_LINKED(
      400, 400302, "The custom allocation webhook chose an IoT hub that is not linked.");

  private final Code code;

  DeviceError(int httpStatus, int errorCode, String message) {
    this.code = new Code(httpStatus, errorCode, message);
  }

  @Override
  public Code code() {
    return code;
  }
}
