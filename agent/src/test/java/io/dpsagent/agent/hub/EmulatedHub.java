package io.dpsagent.agent.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.emulator.crypto.HmacKey;
import io.dpsagent.emulator.hub.HubCredential;
import io.dpsagent.emulator.hub.HubDevice;
import io.dpsagent.emulator.hub.HubServer;
import io.dpsagent.emulator.hub.HubState;
import io.dpsagent.emulator.tls.LocalCertificateAuthority;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The emulator's IoT hub endpoint on loopback as host {@code localhost}, holding a SAS device and
 * an X.509 device, with its CA written for {@code hub.ca_file}.
 */
final class EmulatedHub implements AutoCloseable {

  static final String HOST = "localhost";
  static final String SAS_DEVICE = "sas-dev";
  static final String X509_DEVICE = "x509-dev";
  static final String DESIRED = "{\"interval\":30,\"site\":{\"name\":\"b\"}}";

  final HubServer server;
  final Path caFile;

  private EmulatedHub(HubServer server, Path caFile) {
    this.server = server;
    this.caFile = caFile;
  }

  static EmulatedHub start(Path dir, String deviceKeyBase64, TestPki.Leaf x509Device)
      throws Exception {
    LocalCertificateAuthority ca = LocalCertificateAuthority.create();
    Path caFile = Files.writeString(dir.resolve("hub-ca.pem"), TestPki.pem(ca.certificate()));
    ObjectNode desired = (ObjectNode) new ObjectMapper().readTree(DESIRED);
    Map<String, HubDevice> devices =
        Map.of(
            SAS_DEVICE,
            new HubDevice(
                SAS_DEVICE,
                new HubCredential.SymmetricKeys(List.of(HmacKey.ofBase64(deviceKeyBase64))),
                Optional.of(desired)),
            X509_DEVICE,
            new HubDevice(
                X509_DEVICE,
                new HubCredential.ClientCertificate(
                    chain -> chain.get(0).equals(x509Device.certificate())),
                Optional.empty()));
    HubServer server =
        HubServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            new HubState(HOST),
            new HubServer.Settings(
                ca.issueServerIdentity(HOST).newServerContext(),
                (hub, id) ->
                    hub.equalsIgnoreCase(HOST)
                        ? Optional.ofNullable(devices.get(id))
                        : Optional.empty(),
                Duration.ZERO,
                Clock.systemUTC()));
    return new EmulatedHub(server, caFile);
  }

  int port() {
    return server.port();
  }

  HubState state() {
    return server.state();
  }

  @Override
  public void close() {
    server.close();
  }
}
