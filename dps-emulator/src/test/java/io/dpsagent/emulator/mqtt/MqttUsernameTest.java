package io.dpsagent.emulator.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MqttUsernameTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0ne00ABCDEF/registrations/dev-1/api-version=2019-03-31",
        // C: raw client version
        "0ne00ABCDEF/registrations/dev-1/api-version=2019-03-31&ClientVersion=1.15.0",
        // Node / C#: percent-encoded user agent
        "0ne00ABCDEF/registrations/dev-1/api-version=2019-03-31&ClientVersion=iot%2F1.0%20(x)",
        // Java: the API version twice
        "0ne00ABCDEF/registrations/dev-1/api-version=2019-03-31&ClientVersion=2019-03-31",
        // Unknown keys are ignored
        "0ne00ABCDEF/registrations/dev-1/api-version=2019-03-31&x=y&ClientVersion=a/b c(d;e)"
      })
  void sdkSpellingsParse(String username) {
    assertEquals(
        Optional.of(new MqttUsername("0ne00ABCDEF", "dev-1", Optional.of("2019-03-31"))),
        MqttUsername.parse(username));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dev-1",
        "0ne00ABCDEF/registrations/dev-1",
        "0ne00ABCDEF/devices/dev-1/api-version=2019-03-31",
        "/registrations/dev-1/api-version=2019-03-31",
        "0ne00ABCDEF/registrations//api-version=2019-03-31",
        "a/0ne00ABCDEF/registrations/dev-1/api-version=2019-03-31"
      })
  void otherShapesAreRejected(String username) {
    assertEquals(Optional.empty(), MqttUsername.parse(username));
  }

  @Test
  void emptyApiVersionIsKeptEmptyString() {
    assertEquals(
        Optional.of(new MqttUsername("s", "d", Optional.of(""))),
        MqttUsername.parse("s/registrations/d/api-version="));
  }
}
