package io.dpsagent.emulator.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.emulator.TestTls;
import io.dpsagent.emulator.TestTokens;
import io.dpsagent.emulator.crypto.HmacKey;
import io.dpsagent.emulator.tls.LocalCertificateAuthority;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulated hub's MQTT endpoint, driven by plain Paho over TLS on loopback: who may connect, and
 * the twin and telemetry a connected device sees.
 */
class HubServerTest {

  private static final String HUB = "hub-1.example.net";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final TestPki.Issuer DEVICE_CA = TestPki.rootCa("hub test device CA");
  private static final TestPki.Leaf X509_DEVICE =
      DEVICE_CA.leaf("x509-dev", TestPki.KeyType.EC_P256);
  private static final TestPki.Leaf STRANGER =
      TestPki.selfSigned("x509-dev", TestPki.KeyType.EC_P256);

  private static LocalCertificateAuthority ca;
  private static Path caFile;

  private HubServer server;

  @BeforeAll
  static void authority(@TempDir Path dir) throws Exception {
    ca = LocalCertificateAuthority.create();
    caFile = Files.writeString(dir.resolve("ca.pem"), TestPki.pem(ca.certificate()));
  }

  /** A new hub for each test, so that twins and counts start from DPS's initial state. */
  @BeforeEach
  void start() throws Exception {
    ObjectNode desired = (ObjectNode) JSON.readTree("{\"interval\":30,\"site\":{\"name\":\"b\"}}");
    Map<String, HubDevice> devices =
        Map.of(
            "sas-dev",
            new HubDevice(
                "sas-dev",
                new HubCredential.SymmetricKeys(List.of(HmacKey.ofBase64(TestTokens.VECTOR_KEY))),
                Optional.of(desired)),
            "x509-dev",
            new HubDevice(
                "x509-dev",
                new HubCredential.ClientCertificate(
                    chain -> chain.get(0).equals(X509_DEVICE.certificate())),
                Optional.empty()));
    HubDirectory directory =
        (hub, deviceId) ->
            hub.equalsIgnoreCase(HUB)
                ? Optional.ofNullable(devices.get(deviceId))
                : Optional.empty();
    server =
        HubServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            new HubState(HUB),
            new HubServer.Settings(
                ca.issueServerIdentity(HUB).newServerContext(),
                directory,
                Duration.ZERO,
                Clock.systemUTC()));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static SSLSocketFactory tls() {
    return TestTls.trusting(caFile).getSocketFactory();
  }

  private static String validToken(String deviceId) {
    return HubClient.sasToken(TestTokens.VECTOR_KEY, HUB, deviceId, hourFromNow());
  }

  private static long hourFromNow() {
    return Instant.now().plusSeconds(3600).getEpochSecond();
  }

  /** {@code sas-dev} connected with a valid SAS token. */
  private HubClient sasDevice() throws Exception {
    return connected("sas-dev", tls(), validToken("sas-dev"));
  }

  /** {@code x509-dev} connected with its certificate and no password. */
  private HubClient x509Device() throws Exception {
    return connected(
        "x509-dev", TestTls.withClientCertificate(caFile, X509_DEVICE).getSocketFactory(), null);
  }

  private HubClient connected(String deviceId, SSLSocketFactory tls, String password)
      throws Exception {
    HubClient device = new HubClient(server.port(), deviceId);
    try {
      device.connect(tls, HubClient.userName(HUB, deviceId), password);
      return device;
    } catch (MqttException e) {
      device.close();
      throw e;
    }
  }

  /** The reason code of the CONNECT refused to {@code deviceId} of {@link #HUB}. */
  private int refusal(String deviceId, String password) throws Exception {
    return refusal(deviceId, HubClient.userName(HUB, deviceId), password);
  }

  private int refusal(String clientId, String userName, String password) throws Exception {
    try (HubClient client = new HubClient(server.port(), clientId)) {
      MqttException e =
          assertThrows(MqttException.class, () -> client.connect(tls(), userName, password));
      return e.getReasonCode();
    }
  }

  @Test
  void aDeviceWithItsSasTokenReadsTheInitialTwin() throws Exception {
    try (HubClient device = sasDevice()) {
      assertEquals(0, device.subscribe(HubTopics.TWIN_RESPONSES));
      HubClient.Received reply = device.getTwin(7);
      assertEquals("$iothub/twin/res/200/?$rid=7", reply.topic());
      assertEquals(
          JSON.readTree("{\"interval\":30,\"site\":{\"name\":\"b\"},\"$version\":1}"),
          reply.json().get("desired"));
      assertEquals(JSON.readTree("{\"$version\":1}"), reply.json().get("reported"));
    }
  }

  @Test
  void reportedPropertiesAreMergedAndVersioned() throws Exception {
    try (HubClient device = sasDevice()) {
      device.subscribe(HubTopics.TWIN_RESPONSES);
      long before =
          server
              .state()
              .existingTwin("sas-dev")
              .map(t -> t.reported().get("$version").asLong())
              .orElse(1L);
      assertEquals(
          "$iothub/twin/res/204/?$rid=8&$version=2",
          device.reportProperties(8, "{\"fw\":\"1.2\",\"x\":1}").topic());
      assertEquals(
          "$iothub/twin/res/204/?$rid=9&$version=3",
          device.reportProperties(9, "{\"x\":null}").topic());
      assertEquals(
          JSON.readTree("{\"fw\":\"1.2\",\"$version\":3}"),
          JSON.readTree(
              server.state().existingTwin("sas-dev").orElseThrow().reported().toString()));
      assertEquals("$iothub/twin/res/400/?$rid=10", device.reportProperties(10, "[1,2]").topic());
    }
  }

  @Test
  void desiredUpdatesArePushedToASubscribedDevice() throws Exception {
    try (HubClient device = sasDevice()) {
      device.subscribe(HubTopics.DESIRED_UPDATES);
      server
          .state()
          .twin(
              new HubDevice(
                  "sas-dev",
                  new HubCredential.SymmetricKeys(List.of(HmacKey.ofBase64(TestTokens.VECTOR_KEY))),
                  Optional.empty()));
      ObjectNode pushed =
          server
              .state()
              .updateDesired("sas-dev", (ObjectNode) JSON.readTree("{\"interval\":60}"))
              .orElseThrow();
      HubClient.Received update = device.next();
      assertEquals(2, pushed.get("$version").asInt());
      assertEquals("$iothub/twin/PATCH/properties/desired/?$version=2", update.topic());
      assertEquals(JSON.readTree("{\"interval\":60,\"$version\":2}"), update.json());
    }
  }

  @Test
  void telemetryIsCountedPerDevice() throws Exception {
    try (HubClient device = sasDevice()) {
      device.publish("devices/sas-dev/messages/events/", "{\"t\":21.5}", 1);
      device.publish("devices/sas-dev/messages/events/%24.ct=application%2Fjson", "{}", 1);
    }
    assertEquals(2, server.state().messages("sas-dev"));
  }

  @Test
  void aPublishToAnotherDevicesTopicClosesTheConnection() throws Exception {
    try (HubClient device = sasDevice()) {
      device.publishQos0("devices/x509-dev/messages/events/", "{}");
      assertTrue(device.awaitConnectionLost());
    }
  }

  @Test
  void twinResponsesReachOnlyASubscriber() throws Exception {
    try (HubClient device = sasDevice()) {
      device.publish("$iothub/twin/GET/?$rid=1", "", 0);
      assertNull(device.nextWithin(500));
    }
  }

  @Test
  void anX509DeviceConnectsWithItsCertificateAndNoPassword() throws Exception {
    try (HubClient device = x509Device()) {
      device.subscribe(HubTopics.TWIN_RESPONSES);
      assertEquals(JSON.readTree("{\"$version\":1}"), device.getTwin(2).json().get("desired"));
    }
  }

  @Test
  void anotherCertificateWithTheSameSubjectIsNotAuthorized() throws Exception {
    try (HubClient device = new HubClient(server.port(), "x509-dev")) {
      MqttException e =
          assertThrows(
              MqttException.class,
              () ->
                  device.connect(
                      TestTls.withClientCertificate(caFile, STRANGER).getSocketFactory(),
                      HubClient.userName(HUB, "x509-dev"),
                      null));
      assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, e.getReasonCode());
    }
  }

  @Test
  void aTokenSignedWithAnotherKeyIsNotAuthorized() throws Exception {
    String wrongKey = HubClient.sasToken(TestTokens.OTHER_KEY, HUB, "sas-dev", hourFromNow());
    assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, refusal("sas-dev", wrongKey));
  }

  @Test
  void anExpiredTokenIsNotAuthorized() throws Exception {
    long past = Instant.now().minusSeconds(60).getEpochSecond();
    String expired = HubClient.sasToken(TestTokens.VECTOR_KEY, HUB, "sas-dev", past);
    assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, refusal("sas-dev", expired));
  }

  @Test
  void aTokenForAnotherDeviceIsNotAuthorized() throws Exception {
    String otherResource =
        HubClient.sasToken(TestTokens.VECTOR_KEY, HUB, "x509-dev", hourFromNow());
    assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, refusal("sas-dev", otherResource));
  }

  @Test
  void aDeviceThisHubDoesNotHoldIsNotAuthorized() throws Exception {
    assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, refusal("ghost", validToken("ghost")));
  }

  @Test
  void aPasswordThatIsNoSasTokenIsABadUserNameOrPassword() throws Exception {
    assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, refusal("sas-dev", "hunter2"));
  }

  @Test
  void aUserNameForAnotherHubIsABadUserName() throws Exception {
    assertEquals(
        MqttException.REASON_CODE_FAILED_AUTHENTICATION,
        refusal(
            "sas-dev", HubClient.userName("other.example.net", "sas-dev"), validToken("sas-dev")));
  }

  @Test
  void aClientIdOtherThanTheDeviceIdIsRejected() throws Exception {
    assertEquals(
        MqttException.REASON_CODE_INVALID_CLIENT_ID,
        refusal("someone-else", HubClient.userName(HUB, "sas-dev"), validToken("sas-dev")));
  }

  @Test
  void removingADeviceClosesItsConnection() throws Exception {
    try (HubClient device = x509Device()) {
      assertTrue(server.state().connectedDevices().contains("x509-dev"));
      server.state().remove("x509-dev");
      assertTrue(device.awaitConnectionLost());
    }
  }
}
