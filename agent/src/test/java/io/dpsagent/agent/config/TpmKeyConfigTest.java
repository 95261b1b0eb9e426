package io.dpsagent.agent.config;

import static io.dpsagent.agent.config.ConfigFile.X509;
import static io.dpsagent.agent.config.ConfigFile.minimalWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.TpmKeyUri;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code identity_pk = { uri = "tpm:handle=..." }}: where a TPM key may be named, and where not.
 */
class TpmKeyConfigTest {

  @RegisterExtension final ConfigFile config = new ConfigFile();

  @Test
  void anX509KeyInTheTpmGoesWithAPemChain() throws Exception {
    X509Attestation x509 =
        (X509Attestation)
            config
                .load(
                    X509
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
        config.keyError(X509 + "identity_pk = { uri = \"tpm:handle=0x81000101\" }\n"));
  }

  @Test
  void aBadHandleNamesTheKeyAndTheUri() {
    assertEquals(
        "provisioning.attestation.identity_pk.uri: key URI 'tpm:handle=0x8100010G': handle"
            + " '0x8100010G' is not a hex persistent handle such as 0x81000101",
        config.keyError(
            X509
                + "identity_cert = { uri = \"file:///etc/dps-agent/chain.pem\" }\n"
                + "identity_pk = { uri = \"tpm:handle=0x8100010G\" }\n"));
  }

  @Test
  void aTpmUriIsNoCertificate() {
    assertEquals(
        "provisioning.attestation.identity_cert: a tpm: URI names an X.509 key (identity_pk); name"
            + " the PEM chain issued for the key, file:///...",
        config.keyError(
            X509
                + "identity_cert = { uri = \"tpm:handle=0x81000101\" }\n"
                + "identity_pk = { uri = \"tpm:handle=0x81000101\" }\n"));
  }

  @Test
  void aTpmUriIsNoSymmetricKey() {
    assertEquals(
        "provisioning.attestation.symmetric_key: a tpm: URI names an X.509 key (identity_pk); a"
            + " symmetric key is a file:/// or pkcs11: URI",
        config.keyError(
            minimalWith(
                "symmetric_key = { uri = \"file:///etc/dps-agent/device.key\" }",
                "symmetric_key = { uri = \"tpm:handle=0x81000101\" }")));
  }
}
