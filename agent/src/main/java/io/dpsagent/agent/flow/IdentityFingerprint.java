package io.dpsagent.agent.flow;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.attestation.DeviceAuthentication;
import io.dpsagent.agent.config.ProvisioningConfig;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short digest of everything that makes a device "the same device" to DPS: endpoint host, ID
 * scope, registration ID, attestation method and the identity's key material. It is recorded in
 * {@code connection.json}; when it no longer matches, the cached assignment is for another
 * identity.
 */
public final class IdentityFingerprint {

  private IdentityFingerprint() {}

  public static String of(ProvisioningConfig config, DeviceAuthentication device)
      throws AgentException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(config.endpoint().host());
      out.writeUTF(config.idScope());
      out.writeUTF(device.registrationId());
      out.writeUTF(device.method());
      byte[] material = device.identityMaterial();
      out.writeInt(material.length);
      out.write(material);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory
    }
    return "sha256:" + HexFormat.of().formatHex(sha256(bytes.toByteArray()), 0, 16);
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is mandatory in every Java platform", e);
    }
  }
}
