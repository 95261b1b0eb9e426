package io.dpsagent.agent.issuance;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.CertificateIssuance;
import io.dpsagent.agent.log.Log;
import io.dpsagent.agent.output.HubAuth;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.keys.CertificateRequests;
import io.dpsagent.hsm.keys.KeyOptions;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code csr} a registration carries when certificate issuance is on: {@code CN=<registration
 * id>}, signed by the configured key where it lives (the key is made there first when absent).
 *
 * @param base64Der what goes into the register request
 * @param publicKey the key the issued leaf must certify
 */
public record CertificateSigningRequest(
    CertificateIssuance issuance, String base64Der, PublicKey publicKey) {

  private static final Log LOG = Log.of(CertificateSigningRequest.class);

  /**
   * Signs a request for {@code registrationId}.
   *
   * @throws AgentException HSM when the key cannot be made or used (the message names the key)
   */
  public static CertificateSigningRequest create(
      CertificateIssuance issuance, String registrationId, KeyOptions options)
      throws AgentException {
    KeyUri key = issuance.key();
    try {
      CertificateRequests.Request request =
          CertificateRequests.of(key, "CN=" + registrationId, options);
      if (request.generated()) {
        LOG.info("generated the certificate key " + key);
      }
      return new CertificateSigningRequest(
          issuance, Base64.getEncoder().encodeToString(request.der()), request.publicKey());
    } catch (HsmException e) {
      throw AgentException.hsm("certificate_issuance.key " + key + ": ", e);
    } catch (IllegalArgumentException e) {
      throw AgentException.config(
          "registration ID " + registrationId + " cannot be a certificate subject CN");
    }
  }

  /**
   * How the application reaches the hub once the chain is written: X.509 with the issued chain and
   * the configured key.
   */
  public static HubAuth hubAuth(CertificateIssuance issuance, Path outputDir) {
    Map<String, String> references = new LinkedHashMap<>();
    references.put("certificateUri", issuance.chainFile(outputDir).toUri().toString());
    references.put("privateKeyUri", issuance.key().toString());
    return new HubAuth("x509", references, Optional.of("x509=true"));
  }
}
