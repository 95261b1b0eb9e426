package io.dpsagent.emulator;

import static io.dpsagent.emulator.DeviceClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.common.PercentEncoding;
import io.dpsagent.common.PercentEncoding.HexCase;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Service API credentials: the connection string, the tokens it accepts and refuses, and their
 * limit to the service API.
 */
class ServiceAuthenticationTest extends ServiceApiFixture {

  @Test
  void connectionStringNamesHostPortAndOwnerPolicy() {
    String connectionString = emulator.serviceConnectionString();

    assertTrue(
        connectionString.matches(
            "HostName=localhost:[0-9]+;SharedAccessKeyName=provisioningserviceowner;SharedAccessKey=.+"),
        "connection string shape");
    assertEquals("localhost:" + emulator.serviceEndpoint().getPort(), service.hostName());
    assertEquals(32, Base64.getDecoder().decode(service.key()).length);
    assertNotEquals(emulator.httpsEndpoint().getPort(), emulator.serviceEndpoint().getPort());
  }

  @Test
  void requestsWithoutValidServiceCredentialsAreUnauthorized() {
    long inAnHour = Instant.now().getEpochSecond() + 3600;
    String host = service.hostName();
    String deviceToken = TestTokens.token(TestTokens.VECTOR_KEY, emulator.idScope(), "dev-1");
    String wrongKey =
        ServiceClient.token(host, "provisioningserviceowner", TestTokens.VECTOR_KEY, inAnHour);
    String unknownPolicy = ServiceClient.token(host, "registryReadWrite", service.key(), inAnHour);
    String expired =
        ServiceClient.token(
            host, "provisioningserviceowner", service.key(), Instant.now().getEpochSecond() - 600);
    String otherHost =
        ServiceClient.token(
            "other.azure-devices-provisioning.net",
            "provisioningserviceowner",
            service.key(),
            inAnHour);

    for (String authorization : List.of(deviceToken, wrongKey, unknownPolicy, expired, otherHost)) {
      assertError(
          service.send("GET", "/enrollments/anyone", null, authorization, Map.of()), 401, 401002);
    }
    assertError(service.send("GET", "/enrollments/anyone", null, null, Map.of()), 401, 401002);
    assertError(service.send("GET", "/no/such/path", null, null, Map.of()), 401, 401002);
  }

  @Test
  void acceptsTheResourceSpellingsOfServiceSdks() {
    long inAnHour = Instant.now().getEpochSecond() + 3600;
    String host = service.hostName();
    String encodedLower = PercentEncoding.encode(host.toLowerCase(Locale.ROOT), HexCase.LOWER);
    List<String> tokens =
        List.of(
            ServiceClient.token(encodedLower, "provisioningserviceowner", service.key(), inAnHour),
            ServiceClient.token("localhost", "provisioningserviceowner", service.key(), inAnHour),
            ServiceClient.token(
                host.toUpperCase(Locale.ROOT),
                "provisioningserviceowner",
                service.key(),
                inAnHour));

    for (String authorization : tokens) {
      HttpResponse<String> response =
          service.send("POST", "/enrollments/query", "{\"query\":\"*\"}", authorization, Map.of());
      assertEquals(200, response.statusCode(), response::body);
    }
  }

  @Test
  void deviceEndpointRejectsServiceCredentials() {
    String scope = emulator.idScope();
    service.send(
        "PUT",
        "/enrollments/svc-cred-1",
        "{\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\""
            + service.key()
            + "\"}}}");

    // Even an enrollment whose key equals the service key does not make a service token work.
    assertError(device.register(scope, "svc-cred-1", service.token(), "{}"), 401, 401002);
    String policySignedDeviceResource =
        ServiceClient.token(
            PercentEncoding.encode(scope + "/registrations/svc-cred-1", HexCase.UPPER),
            "provisioningserviceowner",
            service.key(),
            Instant.now().getEpochSecond() + 3600);
    assertError(
        device.register(scope, "svc-cred-1", policySignedDeviceResource, "{}"), 401, 401002);
    JsonNode withRegistrationKeyName =
        Registrations.register(device, scope, "svc-cred-1", service.key());
    assertEquals(
        "assigned", withRegistrationKeyName.get("status").asText(), "the key itself works");
  }
}
