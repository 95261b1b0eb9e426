package io.dpsagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dpsagent.agent.AgentException;
import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.TpmKeyUri;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code identity_pk = { uri = "tpm:handle=..." }}: where a TPM key may be named, and where not.
 */
class TpmKeyConfigTest {

  private static final String X509 =
      String.join(
          "\n",
          "[provisioning]",
          "id_scope = \"0ne00000042\"",
          "[provisioning.attestation]",
          "method = \"x509\"",
          "");

  @TempDir Path dir;

  private AgentConfig load(String toml) throws Exception {
    Path file = dir.resolve("config.toml");
    Files.writeString(file, toml);
    return new ConfigLoader(Map.of()).load(file);
  }

  private String error(String toml) {
    AgentException e = assertThrows(AgentException.class, () -> load(toml));
    assertEquals(AgentException.Kind.CONFIG, e.kind());
    return e.getMessage().replace("config " + dir.resolve("config.toml") + ": ", "");
  }

  @Test
  void anX509KeyInTheTpmGoesWithAPemChain() throws Exception {
    X509Attestation x509 =
        (X509Attestation)
            load(X509
                    + "identity_cert = { uri = \"file:///etc/dps-agent/chain.pem\" }\n"
                    + "identity_pk = { uri = \"tpm:handle=0x81000101\" }\n")
                .provisioning()
                .attestation();
    X509Attestation.PemFiles files = (X509Attestation.PemFiles) x509.identity();
    assertEquals(KeyUri.Scheme.TPM, files.privateKey().scheme());
    assertEquals(new TpmKeyUri(0x81000101, Optional.empty()), files.privateKey().tpm());
  }

  @Test
  void aTpmKeyNeedsItsChainFile() {
    assertEquals(
        "provisioning.attestation.identity_cert: is missing; X.509 needs both identity_cert (PEM"
            + " chain) and identity_pk (private key)",
        error(X509 + "identity_pk = { uri = \"tpm:handle=0x81000101\" }\n"));
  }

  @Test
  void aBadHandleNamesTheKeyAndTheUri() {
    assertEquals(
        "provisioning.attestation.identity_pk.uri: key URI 'tpm:handle=0x8100010G': handle"
            + " '0x8100010G' is not a hex persistent handle such as 0x81000101",
        error(
            X509
                + "identity_cert = { uri = \"file:///etc/dps-agent/chain.pem\" }\n"
                + "identity_pk = { uri = \"tpm:handle=0x8100010G\" }\n"));
  }

  @Test
  void aTpmUriIsNoCertificate() {
    assertEquals(
        "provisioning.attestation.identity_cert: a tpm: URI names an X.509 key (identity_pk); name"
            + " the PEM chain issued for the key, file:///...",
        error(
            X509
                + "identity_cert = { uri = \"tpm:handle=0x81000101\" }\n"
                + "identity_pk = { uri = \"tpm:handle=0x81000101\" }\n"));
  }

  @Test
  void aTpmUriIsNoSymmetricKey() {
    assertEquals(
        "provisioning.attestation.symmetric_key: a tpm: URI names an X.509 key (identity_pk); a"
            + " symmetric key is a file:/// or pkcs11: URI",
        error(
            String.join(
                "\n",
                "[provisioning]",
                "id_scope = \"0ne00000042\"",
                "[provisioning.attestation]",
                "method = \"symmetric_key\"",
                "registration_id = \"gw-1\"",
                "symmetric_key = { uri = \"tpm:handle=0x81000101\" }",
                "")));
  }
}
