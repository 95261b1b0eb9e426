package io.dpsagent.emulator.device;

import io.dpsagent.emulator.allocation.Assigner;
import io.dpsagent.emulator.allocation.AssignmentOutcome;
import io.dpsagent.emulator.allocation.AssignmentSettings;
import io.dpsagent.emulator.auth.AuthenticationException;
import io.dpsagent.emulator.auth.SymmetricKeyAuthenticator;
import io.dpsagent.emulator.auth.TpmAuthenticator;
import io.dpsagent.emulator.auth.TpmMatch;
import io.dpsagent.emulator.auth.X509Authenticator;
import io.dpsagent.emulator.device.WireFormat.OperationStatus;
import io.dpsagent.emulator.issuance.CertificateIssuer;
import io.dpsagent.emulator.issuance.CsrRejection;
import io.dpsagent.emulator.issuance.IssuanceApiVersions;
import io.dpsagent.emulator.issuance.IssuingCa;
import io.dpsagent.emulator.registry.Enrollment;
import io.dpsagent.emulator.registry.RegistrationIdRules;
import io.dpsagent.emulator.registry.RegistrationRecord;
import io.dpsagent.emulator.registry.Registry;
import io.dpsagent.emulator.tpm.InvalidTpmPublicException;
import io.dpsagent.emulator.tpm.TpmPublic;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * The DPS device protocol, independent of transport: register, then poll until a terminal result.
 *
 * <p>Checks run cheapest and least revealing first: injected faults, ID scope, api-version,
 * registration ID syntax, then authentication, and only then is the body looked at. The one
 * exception is a register request without a SAS token whose body carries {@code tpm}: that is the
 * first step of TPM attestation, answered with a 401 challenge (see {@link TpmAuthenticator}).
 *
 * <p>It is a little over 300 lines on purpose: the order of those checks is the protocol's, and it
 * reads top to bottom only while they stay in one class. What stands alone already lives apart: the
 * authenticators, the {@link Assigner}, the {@link OperationStore} and the wire results.
 */
public final class DeviceApi {

  private static final Logger LOG = Logger.getLogger(DeviceApi.class.getName());
  private static final int MAX_ECHOED_API_VERSION = 32;

  private final Registry registry;
  private final ProtocolSettings settings;
  private final Faults faults;
  private final Clock clock;
  private final SymmetricKeyAuthenticator authenticator;
  private final X509Authenticator x509Authenticator;
  private final TpmAuthenticator tpmAuthenticator;
  private final Assigner assigner;
  private final CertificateIssuer issuer;
  private final OperationStore operations = new OperationStore();

  /**
   * A device API assigning with the default {@link AssignmentSettings} and issuing certificates
   * from a new CA, valid for the default time.
   */
  public DeviceApi(Registry registry, ProtocolSettings settings, Faults faults, Clock clock) {
    this(
        registry,
        settings,
        faults,
        clock,
        new Assigner(registry, AssignmentSettings.defaults(), clock),
        new CertificateIssuer(IssuingCa.generate(), CertificateIssuer.DEFAULT_VALIDITY, clock));
  }

  public DeviceApi(
      Registry registry,
      ProtocolSettings settings,
      Faults faults,
      Clock clock,
      Assigner assigner,
      CertificateIssuer issuer) {
    this.issuer = issuer;
    this.registry = registry;
    this.settings = settings;
    this.faults = faults;
    this.clock = clock;
    this.authenticator = new SymmetricKeyAuthenticator(registry, settings.sasClockSkew());
    this.x509Authenticator = new X509Authenticator(registry);
    this.tpmAuthenticator = new TpmAuthenticator(registry, settings.sasClockSkew());
    this.assigner = assigner;
  }

  /** {@code PUT .../register}: always 202 with an operation ID on success. */
  public DeviceReply register(DeviceRequest request, byte[] body) {
    return faults.inject(
        RequestKind.REGISTER, request, clock.instant(), () -> answerRegister(request, body));
  }

  /** {@code GET .../operations/{operationId}}: 202 while assigning, then 200 with the result. */
  public DeviceReply poll(DeviceRequest request, String operationId) {
    return faults.inject(
        RequestKind.POLL, request, clock.instant(), () -> answerPoll(request, operationId));
  }

  /**
   * {@code POST /{idScope}/registrations/{registrationId}} (spec operation {@code
   * RuntimeRegistration_DeviceRegistrationStatusLookup}): 200 with the registration state of a
   * registered device, after the same checks and authentication as register. A TPM device
   * authenticates with the SAS token its activated key signs; this lookup starts no challenge.
   */
  public DeviceReply statusLookup(DeviceRequest request, byte[] body) {
    return faults.inject(
        RequestKind.STATUS_LOOKUP,
        request,
        clock.instant(),
        () -> answerStatusLookup(request, body));
  }

  private DeviceReply answerRegister(DeviceRequest request, byte[] body) {
    try {
      checkRequest(request);
      Optional<DeviceRegistration.TpmKeys> tpm = tpmChallengeRequest(request, body);
      if (tpm.isPresent()) {
        return tpmChallenge(request, tpm.get());
      }
      AuthenticatedDevice device = authenticate(request);
      DeviceRegistration registration = checkBody(request.registrationId(), body);
      Optional<PublicKey> certify = certificateRequest(request, device, registration);
      String operationId = OperationStore.newOperationId();
      CompletableFuture<OperationStatus> result =
          decide(operationId, request.registrationId(), device, registration, certify);
      operations.add(
          new Operation(
              operationId, request.registrationId(), result, settings.pollsBeforeAssignment()));
      return DeviceReply.withRetryAfter(
          202, RegistrationResults.started(operationId), settings.retryAfterSeconds());
    } catch (Rejection rejection) {
      return rejection.reply;
    }
  }

  private DeviceReply answerPoll(DeviceRequest request, String operationId) {
    try {
      admit(request);
      Operation operation =
          operations
              .find(operationId, request.registrationId())
              .orElseThrow(() -> reject(DeviceError.OPERATION_NOT_FOUND));
      if (operation.consumePendingPoll() || !operation.isDecided()) {
        return DeviceReply.withRetryAfter(
            202,
            RegistrationResults.assigning(operationId, request.registrationId()),
            settings.retryAfterSeconds());
      }
      return DeviceReply.ok(operation.result());
    } catch (Rejection rejection) {
      return rejection.reply;
    }
  }

  private DeviceReply answerStatusLookup(DeviceRequest request, byte[] body) {
    try {
      AuthenticatedDevice device = admit(request);
      if (checkBody(request.registrationId(), body).hasCsr()) {
        throw reject(DeviceError.CSR_IN_STATUS_LOOKUP);
      }
      RegistrationRecord record =
          registry
              .registration(request.registrationId())
              .orElseThrow(() -> reject(DeviceError.REGISTRATION_NOT_FOUND));
      return DeviceReply.ok(RegistrationResults.lookedUp(record, device));
    } catch (Rejection rejection) {
      return rejection.reply;
    }
  }

  /** An error reply for problems the transport finds before this API is reached. */
  public DeviceReply error(DeviceError error) {
    return DeviceReply.error(error, clock.instant());
  }

  private AuthenticatedDevice admit(DeviceRequest request) throws Rejection {
    checkRequest(request);
    return authenticate(request);
  }

  private void checkRequest(DeviceRequest request) throws Rejection {
    if (!request.idScope().equalsIgnoreCase(registry.idScope())) {
      throw reject(DeviceError.ID_SCOPE_NOT_FOUND);
    }
    if (!settings.apiVersions().admits(request.apiVersion())) {
      throw unsupportedApiVersion(request.apiVersion());
    }
    if (!RegistrationIdRules.isValid(request.registrationId())) {
      throw reject(DeviceError.INVALID_REGISTRATION_ID);
    }
  }

  // The TPM keys of a register request that starts TPM attestation: no SAS token, a tpm object.
  // A body that does not parse is left to the normal path, which answers as before.
  private static Optional<DeviceRegistration.TpmKeys> tpmChallengeRequest(
      DeviceRequest request, byte[] body) {
    if (request.authorization().isPresent()) {
      return Optional.empty();
    }
    try {
      return DeviceRegistration.parse(body).tpm();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private DeviceReply tpmChallenge(DeviceRequest request, DeviceRegistration.TpmKeys keys)
      throws Rejection {
    String registrationId = request.registrationId();
    if (request.transport() != DeviceTransport.HTTPS) {
      throw reject(DeviceError.TPM_OVER_MQTT);
    }
    if (registry.individualEnrollment(registrationId).isEmpty()) {
      throw reject(DeviceError.TPM_REGISTRATION_NOT_FOUND);
    }
    TpmPublic endorsementKey = tpmPublic(keys.endorsementKey(), "tpm.endorsementKey");
    TpmPublic storageRootKey = tpmPublic(keys.storageRootKey(), "tpm.storageRootKey");
    try {
      byte[] blob = tpmAuthenticator.challenge(registrationId, endorsementKey, storageRootKey);
      return DeviceReply.tpmChallenge(Base64.getEncoder().encodeToString(blob));
    } catch (AuthenticationException e) {
      LOG.info(() -> "Rejected " + registrationId + ": " + e.getMessage());
      throw reject(DeviceError.UNAUTHORIZED);
    }
  }

  private TpmPublic tpmPublic(Optional<String> base64, String field) throws Rejection {
    if (base64.isEmpty() || base64.get().isBlank()) {
      throw invalidTpmKey(field + " is missing.");
    }
    try {
      return TpmPublic.parse(Base64.getDecoder().decode(base64.get().strip()));
    } catch (IllegalArgumentException e) {
      throw invalidTpmKey(field + " is not base64.");
    } catch (InvalidTpmPublicException e) {
      throw invalidTpmKey(field + ": " + e.getMessage() + ".");
    }
  }

  // Worded as the real service words it (Azure/iotedge#4112); a long value is not echoed back.
  private Rejection unsupportedApiVersion(Optional<String> apiVersion) {
    DeviceError error = DeviceError.UNSUPPORTED_API_VERSION;
    String message =
        apiVersion.isEmpty() || apiVersion.get().isEmpty()
            ? "The api-version is missing."
            : apiVersion.get().length() <= MAX_ECHOED_API_VERSION
                ? "Unsupported API version " + apiVersion.get() + "."
                : "Unsupported API version.";
    return new Rejection(
        DeviceReply.error(
            error.httpStatus(), error.errorCode(), message, OptionalInt.empty(), clock.instant()));
  }

  private Rejection invalidTpmKey(String detail) {
    return new Rejection(DeviceReply.error(DeviceError.INVALID_TPM_KEY, detail, clock.instant()));
  }

  // A device that sent a SAS token is a SAS device; X.509 devices send none and present a
  // certificate instead. Without either, the SAS check names what is missing.
  private AuthenticatedDevice authenticate(DeviceRequest request) throws Rejection {
    boolean x509 = request.authorization().isEmpty() && !request.clientCertificates().isEmpty();
    if (x509 && request.registrationId().length() > X509Authenticator.MAX_REGISTRATION_ID_LENGTH) {
      throw reject(DeviceError.X509_REGISTRATION_ID_TOO_LONG);
    }
    try {
      if (x509) {
        return AuthenticatedDevice.x509(
            x509Authenticator.authenticate(
                request.registrationId(), request.clientCertificates(), clock.instant()));
      }
      if (tpmAuthenticator.isTpmRegistration(request.registrationId())) {
        return AuthenticatedDevice.tpm(
            tpmAuthenticator.authenticate(
                request.idScope(),
                request.registrationId(),
                request.authorization(),
                clock.instant()));
      }
      Enrollment enrollment =
          authenticator.authenticate(
              request.idScope(),
              request.registrationId(),
              request.authorization(),
              clock.instant());
      return AuthenticatedDevice.symmetricKey(enrollment);
    } catch (AuthenticationException e) {
      LOG.info(() -> "Rejected " + request.registrationId() + ": " + e.getMessage());
      throw reject(x509 ? DeviceError.INVALID_CERTIFICATE : DeviceError.UNAUTHORIZED);
    }
  }

  private DeviceRegistration checkBody(String registrationId, byte[] body) throws Rejection {
    DeviceRegistration registration;
    try {
      registration = DeviceRegistration.parse(body);
    } catch (IllegalArgumentException e) {
      throw reject(DeviceError.INVALID_REQUEST_BODY);
    }
    boolean mismatch =
        registration
            .registrationId()
            .filter(id -> !id.equalsIgnoreCase(registrationId))
            .isPresent();
    if (mismatch) {
      throw reject(DeviceError.REGISTRATION_ID_MISMATCH);
    }
    return registration;
  }

  // A csr is read from api-version 2025-07-01-preview on; older versions never had the field.
  private Optional<PublicKey> certificateRequest(
      DeviceRequest request, AuthenticatedDevice device, DeviceRegistration registration)
      throws Rejection {
    if (registration.csr().isEmpty() || !IssuanceApiVersions.readsCsr(request.apiVersion())) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          issuer.accept(device.enrollment(), request.registrationId(), registration.csr().get()));
    } catch (CsrRejection e) {
      LOG.info(() -> "Refused the CSR of " + request.registrationId() + ": " + e.getMessage());
      throw reject(
          switch (e.reason()) {
            case NOT_ENABLED -> DeviceError.CSR_NOT_ENABLED;
            case INVALID -> DeviceError.CSR_INVALID;
            case SUBJECT_MISMATCH -> DeviceError.CSR_SUBJECT_MISMATCH;
            case KEY_UNSUPPORTED -> DeviceError.CSR_KEY_UNSUPPORTED;
          });
    }
  }

  // Decided when the device registers, as DPS assigns in the background; polls only reveal it.
  // Only a custom allocation webhook makes the decision take time.
  private CompletableFuture<OperationStatus> decide(
      String operationId,
      String registrationId,
      AuthenticatedDevice device,
      DeviceRegistration registration,
      Optional<PublicKey> certify) {
    return assigner
        .assign(registrationId, device.enrollment(), registration.payload())
        .thenApply(outcome -> toStatus(operationId, registrationId, device, outcome))
        .thenApply(status -> withIssuedCertificate(status, registrationId, certify));
  }

  private OperationStatus withIssuedCertificate(
      OperationStatus status, String registrationId, Optional<PublicKey> certify) {
    if (!"assigned".equals(status.status())) {
      return status;
    }
    if (certify.isEmpty()) {
      issuer.forget(registrationId);
      return status;
    }
    List<String> chain = CertificateIssuer.wireForm(issuer.issue(registrationId, certify.get()));
    return RegistrationResults.withIssuedCertificateChain(status, chain);
  }

  private OperationStatus toStatus(
      String operationId,
      String registrationId,
      AuthenticatedDevice device,
      AssignmentOutcome outcome) {
    if (outcome instanceof AssignmentOutcome.Assigned assigned) {
      return RegistrationResults.assigned(
          operationId,
          assigned.record(),
          device.x509(),
          device.tpm().map(match -> deviceKeyBlob(match, assigned.record())),
          assigned.payload());
    }
    AssignmentOutcome.Failure failure = ((AssignmentOutcome.Failed) outcome).failure();
    DeviceError error =
        switch (failure) {
          case ENROLLMENT_DISABLED -> DeviceError.ENROLLMENT_DISABLED;
          case NO_HUB_AVAILABLE -> DeviceError.NO_HUB_AVAILABLE;
          case CUSTOM_ALLOCATION_FAILED -> DeviceError.CUSTOM_ALLOCATION_FAILED;
          case CUSTOM_ALLOCATION_HUB_NOT_LINKED -> DeviceError.CUSTOM_ALLOCATION_HUB_NOT_LINKED;
        };
    String status =
        failure == AssignmentOutcome.Failure.ENROLLMENT_DISABLED ? "disabled" : "failed";
    return RegistrationResults.failed(operationId, registrationId, status, error, clock.instant());
  }

  // The second blob: the hub device key the record keeps, for the TPM that passed the challenge.
  private String deviceKeyBlob(TpmMatch match, RegistrationRecord record) {
    byte[] key = record.tpmDeviceKey().orElseThrow().toBytes();
    return Base64.getEncoder().encodeToString(tpmAuthenticator.activationBlob(match, key));
  }

  private Rejection reject(DeviceError error) {
    return new Rejection(DeviceReply.error(error, clock.instant()));
  }

  /** Ends a request early with an error reply. */
  private static final class Rejection extends Exception {
    private final transient DeviceReply reply;

    Rejection(DeviceReply reply) {
      super(null, null, false, false);
      this.reply = reply;
    }
  }
}
