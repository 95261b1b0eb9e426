package io.dpsagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProxySettingsTest {

  private static String credentialsOf(String uri) {
    String basic =
        ProxySettings.parse(uri, "provisioning.proxy").proxyAuthorization().orElseThrow();
    assertTrue(basic.startsWith("Basic "), basic);
    return new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8);
  }

  /** Why {@code uri} is refused as a proxy. */
  private static String refusal(String uri) {
    return assertThrows(IllegalArgumentException.class, () -> ProxySettings.parse(uri, "x"))
        .getMessage();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "http://user:pa+ss@proxy:3128      | user:pa+ss",
        "http://user:pa%2Bss@proxy:3128    | user:pa+ss",
        "http://user:pa%20ss@proxy:3128    | user:pa ss",
        "http://us%40er:p%3Aw%25@proxy     | us@er:p:w%",
        "http://j%C3%BCrgen:%E2%82%AC@proxy | jürgen:€",
        "http://user@proxy                 | user:"
      })
  void userInfoIsPercentDecodedAsRfc3986NotAsAForm(String uri, String expected) {
    assertEquals(expected, credentialsOf(uri));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://user:50%@proxy:3128", "http://user:%zz@proxy:3128"})
  void aBrokenPercentEncodingIsRefusedWithoutEchoingThePassword(String uri) {
    assertEquals("proxy is not a valid URI; use http://[user:password@]host:port", refusal(uri));
  }

  @Test
  void percentEncodedBytesThatAreNotUtf8AreRefused() {
    assertEquals(
        "proxy password is percent-encoded bytes that are not UTF-8",
        refusal("http://user:%C3@proxy"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://proxy:0", "http://proxy:65536", "http://proxy:99999"})
  void aPortOutOfRangeIsRefused(String uri) {
    String message = refusal(uri);
    assertTrue(message.startsWith("proxy port "), message);
    assertTrue(message.endsWith(" is out of range; use a port from 1 to 65535 (or none for 8080)"));
  }

  @Test
  void theDefaultPortIs8080AndNoCredentialsAreShown() {
    ProxySettings proxy = ProxySettings.parse("user:secret@proxy.example", "https_proxy");
    assertEquals(8080, proxy.address().getPort());
    assertEquals("http://***@proxy.example:8080", proxy.toString());
    assertEquals("http://***@proxy.example:8080 (from https_proxy)", proxy.describe());
  }

  @Test
  void theEnvironmentProxyNamesItsVariableUnlessNoProxyListsTheHost() {
    Map<String, String> environment =
        Map.of("HTTPS_PROXY", "http://10.0.0.1:3128", "no_proxy", "other.example");
    assertEquals(
        "http://10.0.0.1:3128 (from HTTPS_PROXY)",
        ProxySettings.resolve(Optional.empty(), environment, "dps.example")
            .orElseThrow()
            .describe());
    assertEquals(
        Optional.empty(),
        ProxySettings.resolve(
            Optional.empty(),
            Map.of("https_proxy", "http://10.0.0.1:3128", "NO_PROXY", ".example"),
            "dps.example"));
    assertEquals(
        "http://10.0.0.1:1 (from provisioning.proxy)",
        ProxySettings.resolve(Optional.of("10.0.0.1:1"), environment, "dps.example")
            .orElseThrow()
            .describe());
  }
}
