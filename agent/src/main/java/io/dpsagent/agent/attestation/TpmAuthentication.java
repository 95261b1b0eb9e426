package io.dpsagent.agent.attestation;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.RegistrationId;
import io.dpsagent.agent.config.RetryConfig;
import io.dpsagent.agent.config.TpmAttestation;
import io.dpsagent.agent.config.TpmConfig;
import io.dpsagent.agent.dps.DpsCredentials;
import io.dpsagent.agent.dps.RegistrationRequest;
import io.dpsagent.agent.output.HubAuth;
import io.dpsagent.agent.sas.SasToken;
import io.dpsagent.hsm.Attestor;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.SasSigner;
import io.dpsagent.hsm.TlsIdentity;
import io.dpsagent.hsm.keys.KeyOptions;
import io.dpsagent.hsm.keys.Keys;
import io.dpsagent.hsm.tpm.TctiSpec;
import io.dpsagent.hsm.tpm.TpmTimeouts;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * TPM attestation: the device sends its EK and SRK, DPS answers with an activation blob only this
 * TPM can open, and every SAS token is then signed inside the TPM with the imported key. On
 * assignment DPS sends a second blob, the hub key, which replaces the first at the identity handle;
 * the application gets hub tokens from {@code dps-agent token}, never the key.
 */
public final class TpmAuthentication implements DeviceAuthentication {

  private final Attestor attestor;
  private final TpmConfig tpm;
  private final String registrationId;
  private final String idScope;
  private final long sasTtlSeconds;
  private SasSigner challengeKey;

  private TpmAuthentication(
      Attestor attestor, TpmConfig tpm, String registrationId, String idScope, long sasTtlSeconds) {
    this.attestor = attestor;
    this.tpm = tpm;
    this.registrationId = registrationId;
    this.idScope = idScope;
    this.sasTtlSeconds = sasTtlSeconds;
  }

  /**
   * How long TPM I/O may wait in a one-shot command (provision, token, tpm identity): each connect
   * and each command's answer no longer than the run's budget ({@code max_elapsed_seconds}, a
   * connect no longer than {@code connect_timeout_seconds}), all of them within that budget from
   * now, and not past a stop request. A slow TPM is not cut short by the DPS request timeout:
   * creating a key on a hardware TPM can take tens of seconds.
   */
  public static TpmTimeouts runTimeouts(RetryConfig retry, BooleanSupplier stopRequested) {
    return heldTimeouts(retry, stopRequested).within(retry.maxElapsed());
  }

  /**
   * The same for the daemon, which keeps its TPM open for hours: each wait bounded, no deadline.
   */
  public static TpmTimeouts heldTimeouts(RetryConfig retry, BooleanSupplier stopRequested) {
    Duration connect =
        retry.connectTimeout().compareTo(retry.maxElapsed()) < 0
            ? retry.connectTimeout()
            : retry.maxElapsed();
    return TpmTimeouts.of(connect, retry.maxElapsed()).stoppingWhen(stopRequested);
  }

  /** Opens the TPM (creating and persisting the EK and SRK when absent). */
  public static TpmAuthentication load(
      TpmAttestation config, TpmConfig tpm, String idScope, long sasTtlSeconds, KeyOptions options)
      throws AgentException {
    Attestor attestor = open(tpm.tcti(), options);
    try {
      String registrationId = config.registrationId().orElse(attestor.registrationId());
      RegistrationId.validate(registrationId);
      return new TpmAuthentication(attestor, tpm, registrationId, idScope, sasTtlSeconds);
    } catch (RuntimeException e) {
      attestor.close();
      throw e;
    }
  }

  /** Opens the TPM the config names; a TPM that cannot be used is exit code 6. */
  public static Attestor open(TpmConfig tpm, TpmTimeouts timeouts) throws AgentException {
    return open(tpm.tcti(), KeyOptions.defaults().withTpm(tpm.settings(), timeouts));
  }

  private static Attestor open(TctiSpec tcti, KeyOptions options) throws AgentException {
    try {
      return Keys.attestor(tcti, options);
    } catch (HsmException e) {
      throw AgentException.hsm(e);
    }
  }

  @Override
  public String registrationId() {
    return registrationId;
  }

  @Override
  public String method() {
    return "tpm";
  }

  @Override
  public DpsCredentials dpsCredentials() {
    return new DpsCredentials() {
      @Override
      public Optional<String> authorization(Instant now) throws HsmException {
        // Until DPS has challenged this registration there is nothing to sign with.
        return challengeKey == null
            ? Optional.empty()
            : Optional.of(
                SasToken.forDpsRegistration(
                    idScope, registrationId, challengeKey, now.plusSeconds(sasTtlSeconds)));
      }

      @Override
      public boolean acceptChallenge(String authenticationKey) throws HsmException {
        challengeKey = attestor.activate(decode(authenticationKey));
        return true;
      }

      @Override
      public void acceptAssignment(String authenticationKey) throws HsmException {
        attestor.activate(decode(authenticationKey));
      }
    };
  }

  @Override
  public SasSigner hubSigner() throws AgentException {
    try {
      return attestor.signer();
    } catch (HsmException e) {
      throw AgentException.hsm(e);
    }
  }

  @Override
  public Optional<TlsIdentity> tlsIdentity() {
    return Optional.empty();
  }

  @Override
  public Optional<RegistrationRequest.TpmKeys> tpmKeys() {
    Base64.Encoder base64 = Base64.getEncoder();
    return Optional.of(
        new RegistrationRequest.TpmKeys(
            base64.encodeToString(attestor.endorsementKey()),
            base64.encodeToString(attestor.storageRootKey())));
  }

  /** The endorsement key: another TPM is another device. */
  @Override
  public byte[] identityMaterial() {
    return attestor.endorsementKey();
  }

  @Override
  public HubAuth hubAuth() {
    Map<String, String> references = new LinkedHashMap<>();
    references.put("tpmTcti", tpm.tcti().toString());
    references.put("tpmKeyHandle", String.format("0x%08X", tpm.settings().identityKeyHandle()));
    return new HubAuth("sas", references, Optional.empty());
  }

  @Override
  public void close() {
    attestor.close();
  }

  private static byte[] decode(String base64) throws HsmException {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new HsmException("TPM activation blob from DPS is not valid base64");
    }
  }
}
