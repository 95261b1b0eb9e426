package io.dpsagent.agent.attestation;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.SymmetricKeyAttestation;
import io.dpsagent.agent.dps.DpsCredentials;
import io.dpsagent.agent.output.HubAuth;
import io.dpsagent.agent.sas.SasToken;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.InsecureSecretKeyAccess;
import io.dpsagent.hsm.SasSigner;
import io.dpsagent.hsm.TlsIdentity;
import io.dpsagent.hsm.keys.KeyOptions;
import io.dpsagent.hsm.keys.Keys;
import io.dpsagent.hsm.software.SoftwareSymmetricKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Symmetric-key attestation: a fresh SAS token signed with the device key for every request. */
public final class SymmetricKeyAuthentication implements DeviceAuthentication {

  private static final byte[] IDENTITY_LABEL =
      "dps-agent identity fingerprint v1".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private final SymmetricKeyAttestation config;
  private final String idScope;
  private final SasSigner deviceKey;
  private final Optional<SoftwareSymmetricKey> writable;

  /**
   * @param writable the device key when it may be written into a connection string: only when it
   *     comes from a key file, never when it (or the group key it is derived from) is in a token
   */
  private SymmetricKeyAuthentication(
      SymmetricKeyAttestation config,
      String idScope,
      SasSigner deviceKey,
      Optional<SoftwareSymmetricKey> writable) {
    this.config = config;
    this.idScope = idScope;
    this.deviceKey = deviceKey;
    this.writable = writable;
  }

  /**
   * Opens the key wherever its URI says it lives; a group key derives the device key (inside the
   * token when the group key is there).
   */
  public static SymmetricKeyAuthentication load(
      SymmetricKeyAttestation config, String idScope, KeyOptions options) throws AgentException {
    try {
      SasSigner key = Keys.sasSigner(config.key(), options);
      if (!config.deriveFromGroupKey()) {
        return new SymmetricKeyAuthentication(
            config,
            idScope,
            key,
            key instanceof SoftwareSymmetricKey software
                ? Optional.of(software)
                : Optional.empty());
      }
      // A key derived from a group key in a token is as secret as the group key: it stays out of
      // files.
      SoftwareSymmetricKey derived =
          SoftwareSymmetricKey.deriveFromGroupKey(key, config.registrationId());
      return new SymmetricKeyAuthentication(
          config,
          idScope,
          derived,
          key instanceof SoftwareSymmetricKey ? Optional.of(derived) : Optional.empty());
    } catch (HsmException e) {
      throw AgentException.hsm(e);
    }
  }

  @Override
  public String registrationId() {
    return config.registrationId();
  }

  @Override
  public String method() {
    return config.method();
  }

  @Override
  public DpsCredentials dpsCredentials() {
    return now ->
        Optional.of(
            SasToken.forDpsRegistration(
                idScope,
                config.registrationId(),
                deviceKey,
                now.plusSeconds(config.sasTtlSeconds())));
  }

  @Override
  public SasSigner hubSigner() {
    return deviceKey;
  }

  /** A MAC of a fixed label: equal for equal keys, useless for recovering the key. */
  @Override
  public byte[] identityMaterial() throws AgentException {
    try {
      return deviceKey.sign(IDENTITY_LABEL);
    } catch (HsmException e) {
      throw AgentException.hsm("cannot fingerprint the device key: ", e);
    }
  }

  @Override
  public Optional<TlsIdentity> tlsIdentity() {
    return Optional.empty();
  }

  @Override
  public HubAuth hubAuth() {
    Map<String, String> references = new LinkedHashMap<>();
    // A group key cannot sign for the device: only the derived key (in the connection string) can.
    if (!config.deriveFromGroupKey()) {
      references.put("keyUri", config.key().toString());
    }
    // The one place the agent reads a raw key: an Azure connection string carries it.
    return new HubAuth(
        "sas",
        references,
        writable.map(key -> "SharedAccessKey=" + key.exportBase64(InsecureSecretKeyAccess.get())));
  }
}
