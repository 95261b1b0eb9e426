package io.dpsagent.emulator;

import static io.dpsagent.emulator.DeviceClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.tls.LocalCertificateAuthority;
import io.dpsagent.emulator.tls.ServerTlsIdentity;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Emulators started from config: the example file, configured TLS files, delayed assignment. */
class ConfiguredEmulatorTest {

  @TempDir Path directory;

  @Test
  void exampleConfigServesItsEnrollments() throws Exception {
    Path example = Path.of(getClass().getResource("/emulator-example.toml").toURI());
    EmulatorConfig config =
        EmulatorConfig.load(example).toBuilder().stateDirectory(directory).build();

    try (DpsEmulator emulator = DpsEmulator.start(config)) {
      DeviceClient device = new DeviceClient(emulator);
      assertEquals("0ne00ABCDEF", emulator.idScope());
      assertEquals(directory.resolve("ca.pem").toAbsolutePath(), emulator.caFile());

      JsonNode gateway =
          registerAndPoll(device, "my-device-01", TestTokens.VECTOR_KEY).get("registrationState");
      assertEquals("hub-2.azure-devices.net", gateway.get("assignedHub").asText());
      assertEquals("gateway-01", gateway.get("deviceId").asText());

      String derived = TestTokens.deriveDeviceKey(TestTokens.VECTOR_GROUP_KEY, "line-3-unit-9");
      JsonNode member = registerAndPoll(device, "line-3-unit-9", derived).get("registrationState");
      assertEquals("line-3", member.at("/symmetricKey/enrollmentGroupId").asText());

      JsonNode retired = registerAndPoll(device, "retired-device", TestTokens.VECTOR_KEY);
      assertEquals("disabled", retired.get("status").asText());
    }
    assertTrue(Files.exists(directory.resolve("ca.pem")), "a given state directory is kept");
  }

  @Test
  void servesConfiguredCertificateAndPublishesItsCa() throws Exception {
    LocalCertificateAuthority ca = LocalCertificateAuthority.create();
    ServerTlsIdentity identity = ca.issueServerIdentity("localhost");
    Path chain = directory.resolve("server-chain.pem");
    Path key = directory.resolve("server.key");
    writePem(chain, identity.chain().get(0), ca.certificate());
    Files.writeString(
        key,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(identity.privateKey().getEncoded())
            + "\n-----END PRIVATE KEY-----\n",
        StandardCharsets.US_ASCII);
    EmulatorConfig config = EmulatorConfig.builder().tlsFiles(chain, key).build();

    try (DpsEmulator emulator = DpsEmulator.start(config)) {
      assertEquals(List.of(ca.certificate()), TestPki.readCertificates(emulator.caFile()));
      HttpResponse<String> response =
          new DeviceClient(emulator).register(emulator.idScope(), "dev", null, "{}");
      DeviceClient.assertError(response, 401, 401002);
    }
  }

  @Test
  void unreadableTlsFileFailsStartNamingIt() throws IOException {
    Path chain = Files.writeString(directory.resolve("chain.pem"), "not a certificate");
    EmulatorConfig config = EmulatorConfig.builder().tlsFiles(chain, chain).build();

    IOException error = assertThrows(IOException.class, () -> DpsEmulator.start(config));

    assertTrue(error.getMessage().contains(chain.toString()), error.getMessage());
  }

  @Test
  void busyPortFailsStart() throws IOException {
    try (DpsEmulator first = DpsEmulator.start(EmulatorConfig.defaults())) {
      EmulatorConfig samePort =
          EmulatorConfig.builder().httpsPort(first.httpsEndpoint().getPort()).build();

      IOException error = assertThrows(IOException.class, () -> DpsEmulator.start(samePort));

      assertTrue(error.getMessage().startsWith("cannot listen on"), error.getMessage());
    }
  }

  @Test
  void delayedAssignmentOverHttps() throws IOException {
    EmulatorConfig config =
        EmulatorConfig.builder().pollsBeforeAssignment(1).retryAfterSeconds(1).build();
    try (DpsEmulator emulator = DpsEmulator.start(config)) {
      emulator
          .registry()
          .addIndividualEnrollment(
              IndividualEnrollment.symmetricKey("slow-1", TestTokens.VECTOR_KEY));
      DeviceClient device = new DeviceClient(emulator);
      String token = TestTokens.token(TestTokens.VECTOR_KEY, emulator.idScope(), "slow-1");
      String operationId =
          json(device.register(emulator.idScope(), "slow-1", token, "{}"))
              .get("operationId")
              .asText();

      HttpResponse<String> pending = device.poll(emulator.idScope(), "slow-1", operationId, token);
      HttpResponse<String> done = device.poll(emulator.idScope(), "slow-1", operationId, token);

      assertEquals(202, pending.statusCode());
      assertEquals("1", pending.headers().firstValue("Retry-After").orElse(""));
      assertEquals("assigning", json(pending).at("/registrationState/status").asText());
      assertEquals(200, done.statusCode());
      assertEquals("assigned", json(done).get("status").asText());
    }
  }

  private static JsonNode registerAndPoll(DeviceClient device, String registrationId, String key) {
    String scope = "0ne00ABCDEF";
    String token = TestTokens.token(key, scope, registrationId);
    HttpResponse<String> registered = device.register(scope, registrationId, token, "{}");
    assertEquals(202, registered.statusCode(), registered::body);
    HttpResponse<String> polled =
        device.poll(scope, registrationId, json(registered).get("operationId").asText(), token);
    assertEquals(200, polled.statusCode(), polled::body);
    return json(polled);
  }

  private static void writePem(Path file, X509Certificate... certificates) throws IOException {
    try (JcaPEMWriter writer =
        new JcaPEMWriter(Files.newBufferedWriter(file, StandardCharsets.US_ASCII))) {
      for (X509Certificate certificate : certificates) {
        writer.writeObject(certificate);
      }
    }
  }
}
