package io.dpsagent.agent.attestation;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.SymmetricKeyAttestation;
import io.dpsagent.agent.dps.DpsCredentials;
import io.dpsagent.agent.output.HubAuth;
import io.dpsagent.agent.sas.SasToken;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.InsecureSecretKeyAccess;
import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.SasSigner;
import io.dpsagent.hsm.TlsIdentity;
import io.dpsagent.hsm.software.KeyFiles;
import io.dpsagent.hsm.software.SoftwareSymmetricKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Symmetric-key attestation: a fresh SAS token signed with the device key for every request. */
public final class SymmetricKeyAuthentication implements DeviceAuthentication {

  private final SymmetricKeyAttestation config;
  private final String idScope;
  private final SasSigner deviceKey;
  private final boolean writable;

  /**
   * @param writable whether the device key may be written into a connection string: only when it
   *     comes from a key file, never when it (or the group key it is derived from) is in a token
   */
  private static final byte[] IDENTITY_LABEL =
      "dps-agent identity fingerprint v1".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private SymmetricKeyAuthentication(SymmetricKeyAttestation config, String idScope, SasSigner deviceKey,
      boolean writable) {
    this.config = config;
    this.idScope = idScope;
    this.deviceKey = deviceKey;
    this.writable = writable;
  }

  /**
   * Opens the key: a key file, or a key inside a PKCS#11 token; a group key derives the device key
   * (inside the token when the group key is there).
   */
  public static SymmetricKeyAuthentication load(SymmetricKeyAttestation config, String idScope,
      Optional<String> pkcs11Module) throws AgentException {
    boolean inToken = config.key().scheme() == KeyUri.Scheme.PKCS11;
    try {
      SasSigner key = inToken
          ? Tokens.open(config.key(), pkcs11Module).sasSigner(config.key().pkcs11())
          : KeyFiles.readSymmetricKey(config.key().path());
      return new SymmetricKeyAuthentication(config, idScope, config.deriveFromGroupKey()
          ? SoftwareSymmetricKey.deriveFromGroupKey(key, config.registrationId())
          : key, !inToken);
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
    return now -> Optional.of(SasToken.forDpsRegistration(
        idScope, config.registrationId(), deviceKey, now.plusSeconds(config.sasTtlSeconds())));
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
    return new HubAuth("sas", references, writable && deviceKey instanceof SoftwareSymmetricKey key
        ? Optional.of("SharedAccessKey=" + key.exportBase64(InsecureSecretKeyAccess.get()))
        : Optional.empty());
  }
}
