package io.dpsagent.agent.attestation;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.dps.DpsCredentials;
import io.dpsagent.agent.dps.RegistrationRequest;
import io.dpsagent.agent.output.HubAuth;
import io.dpsagent.hsm.SasSigner;
import io.dpsagent.hsm.TlsIdentity;
import java.util.Optional;

/**
 * A device's loaded proof of identity, whatever the method: what DPS is shown (a SAS per request, a
 * TLS client certificate, or both), and how the application will authenticate to its hub.
 */
public interface DeviceAuthentication extends AutoCloseable {

  /** The registration ID this identity registers as. */
  String registrationId();

  /** The config name of the attestation method, as reported in {@code connection.json}. */
  String method();

  /** The {@code Authorization} for each DPS request (empty for TLS client authentication). */
  DpsCredentials dpsCredentials();

  /** The TLS client identity presented to DPS, if any. */
  Optional<TlsIdentity> tlsIdentity();

  /** How the device authenticates to the hub it is assigned to. */
  HubAuth hubAuth();

  /**
   * The key IoT Hub SAS tokens are signed with once the device is assigned.
   *
   * @throws AgentException when the method has no such key (X.509 devices use their certificate)
   */
  SasSigner hubSigner() throws AgentException;

  /**
   * Bytes that change exactly when the device's identity does (a rotated key, a new certificate, a
   * replaced TPM) and reveal nothing about a secret: the daemon compares their fingerprint with the
   * cached assignment's to decide whether to register again.
   */
  byte[] identityMaterial() throws AgentException;

  /** The TPM's public keys, sent with the registration for TPM attestation. */
  default Optional<RegistrationRequest.TpmKeys> tpmKeys() {
    return Optional.empty();
  }

  /** Releases a held device (the TPM connection); software keys hold nothing. */
  @Override
  default void close() {}
}
