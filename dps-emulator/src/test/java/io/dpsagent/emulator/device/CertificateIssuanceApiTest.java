package io.dpsagent.emulator.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.emulator.TestTokens;
import io.dpsagent.emulator.allocation.Assigner;
import io.dpsagent.emulator.allocation.AssignmentSettings;
import io.dpsagent.emulator.issuance.CertificateIssuer;
import io.dpsagent.emulator.issuance.IssuingCa;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.LinkedHub;
import io.dpsagent.emulator.registry.Registry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

/** Certificate issuance through the device API: the chain for a good CSR, a 400 for each flaw. */
class CertificateIssuanceApiTest {

  private static final String SCOPE = "0ne00ABCDEF";
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final String GA = "2026-04-01";

  private final Registry registry =
      new Registry(SCOPE, List.of(LinkedHub.withHostName("hub-1.azure-devices.net")));
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final CertificateIssuer issuer =
      new CertificateIssuer(IssuingCa.generate(), Duration.ofSeconds(120), clock);
  private final DeviceApi api =
      new DeviceApi(
          registry,
          ProtocolSettings.defaults(),
          new Faults(),
          clock,
          new Assigner(registry, AssignmentSettings.defaults(), clock),
          issuer);

  @Test
  void aGoodCsrGetsTheChainLeafFirstForItsKey() throws Exception {
    enroll("dev-1", true);
    KeyPair keys = ecKeys("secp256r1");

    JsonNode state = assigned("dev-1", GA, csr("CN=dev-1", keys, keys));

    List<X509Certificate> chain = chain(state.get("issuedCertificateChain"));
    assertEquals(3, chain.size());
    assertEquals(new X500Principal("CN=dev-1"), chain.get(0).getSubjectX500Principal());
    assertEquals(keys.getPublic(), chain.get(0).getPublicKey());
    chain.get(0).verify(chain.get(1).getPublicKey());
    chain.get(1).verify(chain.get(2).getPublicKey());
    assertEquals(issuer.ca().root(), chain.get(2));
    assertEquals(
        Duration.ofSeconds(120),
        Duration.between(
            chain.get(0).getNotBefore().toInstant(), chain.get(0).getNotAfter().toInstant()));
    assertTrue(issuer.issuedTo("dev-1", chain));
    assertFalse(issuer.issuedTo("dev-2", chain));
  }

  @Test
  void thePreviewApiVersionIssuesAndAnOlderOneIgnoresTheField() throws Exception {
    enroll("dev-1", true);
    KeyPair keys = ecKeys("secp384r1");

    assertEquals(
        3,
        assigned("dev-1", "2025-07-01-preview", csr("CN=dev-1", keys, keys))
            .get("issuedCertificateChain")
            .size());
    assertFalse(
        assigned("dev-1", "2021-06-01", csr("CN=dev-1", keys, keys)).has("issuedCertificateChain"));
    assertFalse(issuer.holdsIssued("dev-1"));
  }

  @Test
  void aCsrOnAnEnrollmentNotSetForIssuanceIs400401() throws Exception {
    enroll("dev-1", false);
    KeyPair keys = ecKeys("secp256r1");

    assertError(register("dev-1", GA, csr("CN=dev-1", keys, keys)), DeviceError.CSR_NOT_ENABLED);
  }

  @Test
  void aSubjectOtherThanTheRegistrationIdIs400403() throws Exception {
    enroll("dev-1", true);
    KeyPair keys = ecKeys("secp256r1");

    assertError(
        register("dev-1", GA, csr("CN=dev-2", keys, keys)), DeviceError.CSR_SUBJECT_MISMATCH);
    assertError(
        register("dev-1", GA, csr("O=dev-1", keys, keys)), DeviceError.CSR_SUBJECT_MISMATCH);
  }

  @Test
  void aSignatureByAnotherKeyOrGarbageIs400402() throws Exception {
    enroll("dev-1", true);
    KeyPair keys = ecKeys("secp256r1");

    assertError(
        register("dev-1", GA, csr("CN=dev-1", keys, ecKeys("secp256r1"))), DeviceError.CSR_INVALID);
    assertError(register("dev-1", GA, "bm90IGEgY3Ny"), DeviceError.CSR_INVALID);
    assertError(register("dev-1", GA, "%%%"), DeviceError.CSR_INVALID);
  }

  @Test
  void aWeakKeyIs400404() throws Exception {
    enroll("dev-1", true);
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    KeyPair weak = rsa.generateKeyPair();

    assertError(
        register("dev-1", GA, csr("CN=dev-1", weak, weak)), DeviceError.CSR_KEY_UNSUPPORTED);
  }

  private void enroll(String registrationId, boolean issuance) {
    IndividualEnrollment enrollment =
        IndividualEnrollment.symmetricKey(registrationId, TestTokens.VECTOR_KEY);
    registry.addIndividualEnrollment(
        enrollment.withOptions(enrollment.options().withCertificateIssuance(issuance)));
  }

  private DeviceReply register(String registrationId, String apiVersion, String csr) {
    String body = "{\"registrationId\":\"" + registrationId + "\",\"csr\":\"" + csr + "\"}";
    return api.register(request(registrationId, apiVersion), body.getBytes(StandardCharsets.UTF_8));
  }

  private JsonNode assigned(String registrationId, String apiVersion, String csr) {
    DeviceReply started = register(registrationId, apiVersion, csr);
    assertEquals(202, started.status(), started.body()::toString);
    String operationId = started.body().get("operationId").asText();
    for (int i = 0; i < 5; i++) {
      DeviceReply poll = api.poll(request(registrationId, apiVersion), operationId);
      if (poll.status() == 200) {
        assertEquals("assigned", poll.body().get("status").asText(), poll.body()::toString);
        return poll.body().get("registrationState");
      }
    }
    throw new AssertionError("not assigned after 5 polls");
  }

  private static DeviceRequest request(String registrationId, String apiVersion) {
    String token =
        TestTokens.token(TestTokens.VECTOR_KEY, SCOPE, registrationId, NOW.getEpochSecond() + 60);
    return new DeviceRequest(SCOPE, registrationId, Optional.of(apiVersion), Optional.of(token));
  }

  private static KeyPair ecKeys(String curve) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec(curve));
    return generator.generateKeyPair();
  }

  /** A CSR for {@code subject}'s public key, signed by {@code signer} (another key: a bad one). */
  private static String csr(String subject, KeyPair subjectKeys, KeyPair signer) throws Exception {
    String algorithm =
        signer.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    byte[] der =
        new JcaPKCS10CertificationRequestBuilder(
                new X500Principal(subject), subjectKeys.getPublic())
            .build(new JcaContentSignerBuilder(algorithm).build(signer.getPrivate()))
            .getEncoded();
    return Base64.getEncoder().encodeToString(der);
  }

  private static List<X509Certificate> chain(JsonNode array) throws Exception {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<X509Certificate> chain = new ArrayList<>();
    for (JsonNode entry : array) {
      chain.add(
          (X509Certificate)
              factory.generateCertificate(
                  new ByteArrayInputStream(Base64.getDecoder().decode(entry.asText()))));
    }
    return chain;
  }

  private static void assertError(DeviceReply reply, DeviceError error) {
    assertEquals(error.httpStatus(), reply.status(), reply.body()::toString);
    assertEquals(OptionalInt.of(error.errorCode()), reply.errorCode());
    assertEquals(error.message(), reply.body().get("message").asText());
  }
}
