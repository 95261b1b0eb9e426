package io.dpsagent.agent.issuance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.CertificateIssuance;
import io.dpsagent.hsm.KeyUri;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the agent does with an assignment's issuedCertificateChain before anything is written. */
class IssuedChainTest {

  private static CertificateSigningRequest request() throws Exception {
    PublicKey key = KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic();
    return new CertificateSigningRequest(
        new CertificateIssuance(
            KeyUri.parse("file:///var/lib/dps-agent/k.pem"), Optional.empty(), "2026-04-01"),
        "",
        key);
  }

  @Test
  void noChainFromDpsIsOneClearRefusal() throws Exception {
    AgentException e =
        assertThrows(
            AgentException.class, () -> IssuedChain.read(List.of(), request(), "2026-04-01"));

    assertEquals(AgentException.Kind.REFUSED, e.kind());
    assertEquals(
        "certificate issuance is enabled but DPS assigned the device without an"
            + " issuedCertificateChain (api-version 2026-04-01); set the enrollment for"
            + " certificate issuance, or disable [provisioning.certificate_issuance]",
        e.getMessage());
  }

  @Test
  void anEntryThatIsNoCertificateIsNamed() throws Exception {
    AgentException e =
        assertThrows(
            AgentException.class,
            () -> IssuedChain.read(List.of("bm90IGEgY2VydA=="), request(), "2026-04-01"));

    assertEquals(AgentException.Kind.REFUSED, e.kind());
    assertEquals(
        "DPS answered with an issuedCertificateChain whose entry 0 is not a base64 DER"
            + " certificate; the chain is not used",
        e.getMessage());
  }
}
