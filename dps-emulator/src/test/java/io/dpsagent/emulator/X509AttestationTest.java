package io.dpsagent.emulator;

import static io.dpsagent.emulator.DeviceClient.assertError;
import static io.dpsagent.emulator.DeviceClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.common.testing.TestPki.KeyType;
import io.dpsagent.emulator.device.DpsTimestamps;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.ProvisioningStatus;
import io.dpsagent.emulator.registry.X509Mechanism;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * X.509 attestation over HTTPS: devices present their chain in the TLS handshake (java.net.http
 * with a client key manager) and send no Authorization header.
 */
class X509AttestationTest extends EmulatorFixture {

  private static final HexFormat HEX = HexFormat.of().withUpperCase();

  // Group "root-a" trusts root A; devices get their certificates from intermediate A.
  private X509Chain chainA;

  @BeforeAll
  void enrollGroupA() throws Exception {
    chainA = enrollX509Group("root-a", "Test Root A");
  }

  @Test
  void individualDeviceIsAssignedWithItsCertificateInfo() throws Exception {
    TestPki.Leaf device = enrollSelfSignedX509("x509-single");

    JsonNode result = registerAndPoll("x509-single", device);

    assertEquals("assigned", result.get("status").asText(), result::toString);
    JsonNode state = result.get("registrationState");
    assertEquals("x509-single", state.get("deviceId").asText());
    assertFalse(state.has("symmetricKey"), state::toString);
    JsonNode x509 = state.get("x509");
    assertEquals(List.of("certificateInfo"), fieldNames(x509));
    assertCertificateInfo(device.certificate(), x509.get("certificateInfo"));
  }

  @Test
  void individualSecondaryCertificateIsAccepted() throws Exception {
    TestPki.Leaf retired = TestPki.selfSigned("x509-rolled", KeyType.EC_P256);
    TestPki.Leaf current = TestPki.selfSigned("x509-rolled", KeyType.EC_P256);
    emulator
        .registry()
        .addIndividualEnrollment(
            new IndividualEnrollment(
                "x509-rolled",
                Optional.empty(),
                new X509Mechanism(retired.certificate(), Optional.of(current.certificate())),
                ProvisioningStatus.ENABLED,
                List.of()));

    JsonNode result = registerAndPoll("x509-rolled", current);

    assertEquals("assigned", result.get("status").asText(), result::toString);
    assertEquals(
        thumbprint("SHA-256", current.certificate()),
        result.at("/registrationState/x509/certificateInfo/sha256Thumbprint").asText());
  }

  @Test
  void groupOnRootAssignsDevicePresentingItsIntermediate() throws Exception {
    TestPki.Leaf device = chainA.intermediate().leaf("x509-grp-1", KeyType.EC_P256);

    JsonNode result = registerAndPoll("x509-grp-1", device, chainA.intermediate().certificate());

    assertEquals("assigned", result.get("status").asText(), result::toString);
    JsonNode state = result.get("registrationState");
    assertEquals("x509-grp-1", state.get("deviceId").asText());
    JsonNode x509 = state.get("x509");
    assertEquals(List.of("enrollmentGroupId", "signingCertificateInfo"), fieldNames(x509));
    assertEquals("root-a", x509.get("enrollmentGroupId").asText());
    assertCertificateInfo(chainA.root().certificate(), x509.get("signingCertificateInfo"));
    assertEquals(
        Optional.of("root-a"),
        emulator.registry().registration("x509-grp-1").orElseThrow().enrollmentGroupId());
  }

  @Test
  void groupOnIntermediateIsPreferredToGroupOnRoot() throws Exception {
    TestPki.Issuer rootB = TestPki.rootCa("Test Root B");
    TestPki.Issuer intermediateB = rootB.intermediate("Test Intermediate B");
    emulator.registry().addEnrollmentGroup(EnrollmentGroup.x509("b-root", rootB.certificate()));
    emulator
        .registry()
        .addEnrollmentGroup(EnrollmentGroup.x509("b-intermediate", intermediateB.certificate()));
    TestPki.Leaf device = intermediateB.leaf("x509-grp-b", KeyType.EC_P256);

    JsonNode result = registerAndPoll("x509-grp-b", device, intermediateB.certificate());

    assertEquals("assigned", result.get("status").asText(), result::toString);
    assertEquals("b-intermediate", result.at("/registrationState/x509/enrollmentGroupId").asText());
    assertEquals("x509-grp-b", result.at("/registrationState/deviceId").asText());
  }

  @Test
  void registrationIdOtherThanCommonNameIsUnauthorized() {
    TestPki.Leaf device = chainA.intermediate().leaf("x509-grp-2", KeyType.EC_P256);

    assertError(register("x509-grp-3", device, chainA.intermediate().certificate()), 401, 401002);
  }

  @Test
  void expiredDeviceCertificateIsUnauthorized() {
    Instant now = Instant.now();
    TestPki.Leaf device =
        chainA
            .intermediate()
            .leaf(
                "x509-expired",
                KeyType.EC_P256,
                now.minus(Duration.ofDays(10)),
                now.minus(Duration.ofDays(1)));

    assertError(register("x509-expired", device, chainA.intermediate().certificate()), 401, 401002);
  }

  @Test
  void deviceOfUnknownCaIsUnauthorized() {
    TestPki.Issuer strangeRoot = TestPki.rootCa("Unknown Root");
    TestPki.Leaf device = strangeRoot.leaf("x509-stranger", KeyType.EC_P256);

    HttpResponse<String> refused = register("x509-stranger", device);
    assertError(refused, 401, 401002);
    // The real service's words for an X.509 device it does not accept.
    assertEquals("Invalid certificate.", DeviceClient.json(refused).path("message").asText());
  }

  @Test
  void chainWithoutItsIntermediateIsUnauthorized() {
    TestPki.Leaf device = chainA.intermediate().leaf("x509-no-intermediate", KeyType.EC_P256);

    assertError(register("x509-no-intermediate", device), 401, 401002);
  }

  @Test
  void issuerThatIsNoCaIsUnauthorized() {
    TestPki.Leaf notACa = chainA.root().leaf("Not A CA", KeyType.EC_P256);
    TestPki.Leaf device = notACa.asIssuer().leaf("x509-bad-issuer", KeyType.EC_P256);

    assertError(register("x509-bad-issuer", device, notACa.certificate()), 401, 401002);
  }

  @Test
  void disabledEnrollmentReportsDisabled() throws Exception {
    TestPki.Leaf device = TestPki.selfSigned("x509-disabled", KeyType.EC_P256);
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.x509("x509-disabled", device.certificate()).disabled());

    JsonNode result = registerAndPoll("x509-disabled", device);

    assertEquals("disabled", result.get("status").asText(), result::toString);
    assertEquals(403001, result.at("/registrationState/errorCode").asInt());
    assertEquals(true, emulator.registry().registration("x509-disabled").isEmpty());
  }

  @Test
  void commonNameLongerThan64IsBadRequest() {
    String longId = "a".repeat(65);
    TestPki.Leaf device = chainA.intermediate().leaf(longId, KeyType.EC_P256);

    assertError(register(longId, device, chainA.intermediate().certificate()), 400, 400005);
  }

  @Test
  void commonNameOf64IsAccepted() throws Exception {
    String longestId = "b".repeat(64);
    TestPki.Leaf device = chainA.intermediate().leaf(longestId, KeyType.EC_P256);

    JsonNode result = registerAndPoll(longestId, device, chainA.intermediate().certificate());

    assertEquals("assigned", result.get("status").asText(), result::toString);
  }

  // --- helpers ---

  private HttpResponse<String> register(
      String registrationId, TestPki.Leaf device, X509Certificate... intermediates) {
    return client(device, intermediates)
        .register(scope, registrationId, null, "{\"registrationId\":\"" + registrationId + "\"}");
  }

  private JsonNode registerAndPoll(
      String registrationId, TestPki.Leaf device, X509Certificate... intermediates) {
    DeviceClient client = client(device, intermediates);
    HttpResponse<String> registered =
        client.register(
            scope, registrationId, null, "{\"registrationId\":\"" + registrationId + "\"}");
    assertEquals(202, registered.statusCode(), registered::body);
    String operationId = json(registered).get("operationId").asText();
    HttpResponse<String> polled = client.poll(scope, registrationId, operationId, null);
    assertEquals(200, polled.statusCode(), polled::body);
    return json(polled);
  }

  private DeviceClient client(TestPki.Leaf device, X509Certificate... intermediates) {
    return new DeviceClient(
        emulator.httpsEndpoint(),
        TestTls.withClientCertificate(emulator.caFile(), device, intermediates));
  }

  static void assertCertificateInfo(X509Certificate certificate, JsonNode info) throws Exception {
    assertEquals(
        List.of(
            "subjectName",
            "sha1Thumbprint",
            "sha256Thumbprint",
            "issuerName",
            "notBeforeUtc",
            "notAfterUtc",
            "serialNumber",
            "version"),
        fieldNames(info));
    assertEquals(certificate.getSubjectX500Principal().getName(), info.get("subjectName").asText());
    assertEquals(certificate.getIssuerX500Principal().getName(), info.get("issuerName").asText());
    assertEquals(thumbprint("SHA-1", certificate), info.get("sha1Thumbprint").asText());
    assertEquals(thumbprint("SHA-256", certificate), info.get("sha256Thumbprint").asText());
    assertEquals(
        DpsTimestamps.format(certificate.getNotBefore().toInstant()),
        info.get("notBeforeUtc").asText());
    assertEquals(
        DpsTimestamps.format(certificate.getNotAfter().toInstant()),
        info.get("notAfterUtc").asText());
    assertEquals(
        HEX.formatHex(certificate.getSerialNumber().toByteArray()),
        info.get("serialNumber").asText());
    assertEquals(3, info.get("version").asInt());
  }

  static String thumbprint(String algorithm, X509Certificate certificate) throws Exception {
    return HEX.formatHex(MessageDigest.getInstance(algorithm).digest(certificate.getEncoded()));
  }

  static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
