package io.dpsagent.agent.transport.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DpsTopicsTest {

  @Test
  void buildsTheRequestTopicsWithTheRequestIdFirst() {
    assertEquals("$dps/registrations/PUT/iotdps-register/?$rid=7", DpsTopics.register("7"));
    assertEquals(
        "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=8&operationId=4.abc.def",
        DpsTopics.poll("8", "4.abc.def"));
  }

  @Test
  void usernameCarriesScopeRegistrationApiVersionAndEncodedClientVersion() {
    String username = DpsTopics.username("0ne00ABCDEF", "dev-1", "2021-06-01");
    assertEquals(
        true,
        username.startsWith(
            "0ne00ABCDEF/registrations/dev-1/api-version=2021-06-01&ClientVersion=dps-agent%2F"),
        username);
  }

  @Test
  void parsesReplyTopics() {
    assertEquals(
        Optional.of(new DpsTopics.Reply(202, "1", Optional.of(Duration.ofSeconds(3)))),
        DpsTopics.parseReply("$dps/registrations/res/202/?$rid=1&retry-after=3"));
    assertEquals(
        Optional.of(new DpsTopics.Reply(200, "9f1c", Optional.empty())),
        DpsTopics.parseReply("$dps/registrations/res/200/?$rid=9f1c"));
    assertEquals(
        Optional.of(new DpsTopics.Reply(429, "2", Optional.of(Duration.ofSeconds(5)))),
        DpsTopics.parseReply("$dps/registrations/res/429/?$rid=2&Retry-After=5"));
  }

  @Test
  void ignoresWhatIsNotAReply() {
    assertEquals(
        Optional.empty(), DpsTopics.parseReply("$dps/registrations/PUT/iotdps-register/?$rid=1"));
    assertEquals(Optional.empty(), DpsTopics.parseReply("$dps/registrations/res/abc/?$rid=1"));
    assertEquals(
        Optional.empty(), DpsTopics.parseReply("$dps/registrations/res/200/?retry-after=1"));
    assertEquals(Optional.empty(), DpsTopics.parseReply("$dps/registrations/res/200"));
  }

  /** Found by fuzzing: Integer.parseInt accepted "+200" and "-1" as reply statuses. */
  @Test
  void aStatusThatIsNotThreeDigitsIsNotAReply() {
    for (String status : new String[] {"+200", "-1", "0200", "99", "600", "2000", "٢٠٠"}) {
      assertEquals(
          Optional.empty(),
          DpsTopics.parseReply("$dps/registrations/res/" + status + "/?$rid=1"),
          status);
    }
  }
}
