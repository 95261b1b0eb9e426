package io.dpsagent.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.emulator.config.EmulatorConfig;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service API on an address and host name of its own ({@code service_bind_address}, {@code
 * service_host}): where it listens, what the certificate and the connection string name, and which
 * SAS resources it accepts.
 */
class ServiceListenerAddressTest {

  private static final String SERVICE_ADDRESS = "127.0.0.2";

  private static DpsEmulator emulator;
  private static ServiceClient service;

  @BeforeAll
  static void start() throws Exception {
    emulator =
        DpsEmulator.start(
            EmulatorConfig.builder()
                .serviceBindAddress(SERVICE_ADDRESS)
                .serviceHost(SERVICE_ADDRESS)
                .build());
    service = new ServiceClient(emulator);
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  @Test
  void endpointAndConnectionStringNameTheServiceHost() {
    int port = emulator.serviceEndpoint().getPort();

    assertEquals("https://" + SERVICE_ADDRESS + ":" + port, emulator.serviceEndpoint().toString());
    assertEquals(SERVICE_ADDRESS + ":" + port, service.hostName());
    assertEquals("localhost", emulator.httpsEndpoint().getHost(), "the device API keeps its host");
  }

  @Test
  void serverCertificateCoversTheServiceHostAndItsTokensAreAccepted() {
    // java.net.http verifies the certificate against the IP literal it dials.
    HttpResponse<String> answer = service.send("GET", "/enrollments/absent", null);

    assertEquals(404, answer.statusCode(), answer.body());
  }

  @Test
  void serviceHostWithoutThePortIsAcceptedAsTheResource() {
    HttpResponse<String> answer =
        service.send("GET", "/enrollments/absent", null, tokenFor(SERVICE_ADDRESS), Map.of());

    assertEquals(404, answer.statusCode(), answer.body());
  }

  @Test
  void tokenForTheDeviceApiHostIsRefused() {
    HttpResponse<String> answer =
        service.send("GET", "/enrollments/absent", null, tokenFor("localhost"), Map.of());

    assertEquals(401, answer.statusCode());
    assertEquals("401002", answer.headers().firstValue("x-ms-error-code").orElse(""));
  }

  @Test
  void connectionStringOmitsOnlyTheStandardPort() {
    assertEquals("127.8.9.10", ServiceEndpoint.connectionStringHostName("127.8.9.10", 443));
    assertEquals("127.8.9.10:8444", ServiceEndpoint.connectionStringHostName("127.8.9.10", 8444));
  }

  private static String tokenFor(String resource) {
    return ServiceClient.token(
        resource, "provisioningserviceowner", service.key(), Instant.now().getEpochSecond() + 3600);
  }
}
