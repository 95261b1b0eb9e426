package io.dpsagent.agent.attestation;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.SymmetricKeyAttestation;
import io.dpsagent.agent.dps.DpsCredentials;
import io.dpsagent.agent.output.HubAuth;
import io.dpsagent.agent.sas.SasToken;
import io.dpsagent.hsm.HsmException;
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
  private final SoftwareSymmetricKey deviceKey;

  private SymmetricKeyAuthentication(SymmetricKeyAttestation config, String idScope, SoftwareSymmetricKey deviceKey) {
    this.config = config;
    this.idScope = idScope;
    this.deviceKey = deviceKey;
  }

  /** Reads the key file (deriving the device key from a group key when configured). */
  public static SymmetricKeyAuthentication load(SymmetricKeyAttestation config, String idScope) throws AgentException {
    try {
      SoftwareSymmetricKey key = KeyFiles.readSymmetricKey(config.key().path());
      return new SymmetricKeyAuthentication(config, idScope, config.deriveFromGroupKey()
          ? SoftwareSymmetricKey.deriveFromGroupKey(key, config.registrationId())
          : key);
    } catch (HsmException e) {
      throw AgentException.config(e.getMessage());
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
    return new HubAuth("sas", references, Optional.of("SharedAccessKey=" + deviceKey.exportBase64()));
  }
}
