package io.dpsagent.agent.transport.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.agent.Version;
import io.dpsagent.agent.dps.DpsResponse;
import io.dpsagent.agent.dps.Operation;
import io.dpsagent.agent.dps.RegistrationRequest;
import io.dpsagent.agent.transport.Deadline;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * How requests and replies are framed on MQTT ($rid routing, topics, body, username) and what a
 * refused, silent or dropped broker turns into, with an in-memory broker standing in for Paho.
 */
class MqttTransportTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final RegistrationRequest REQUEST =
      new RegistrationRequest("0ne00ABCDEF", "dev-1", Optional.of("{\"site\":\"berlin\"}"));
  private static final Duration WAIT = Duration.ofSeconds(5);

  /** One scripted answer per publish: given the listener and the published topic. */
  private final Deque<BiConsumer<MqttSession.Listener, String>> answers = new ArrayDeque<>();

  private final List<String> usernames = new ArrayList<>();
  private final List<String> topics = new ArrayList<>();
  private final List<String> payloads = new ArrayList<>();
  private final List<Session> sessions = new ArrayList<>();
  private IOException refuseNextConnect;

  private final MqttTransport transport =
      new MqttTransport(new Broker(), "mqtts://dps.example:8883", "2021-06-01");

  private static BiConsumer<MqttSession.Listener, String> reply(
      String status, String extra, String body) {
    return (listener, topic) ->
        listener.onMessage(
            "$dps/registrations/res/" + status + "/?$rid=" + rid(topic) + extra,
            body.getBytes(StandardCharsets.UTF_8));
  }

  private static String rid(String topic) {
    String rest = topic.substring(topic.indexOf("$rid=") + 5);
    return rest.contains("&") ? rest.substring(0, rest.indexOf('&')) : rest;
  }

  @Test
  void registersWithTheDeviceBodyAndRoutesTheReplyByRid() throws Exception {
    answers.add(
        reply("202", "&retry-after=3", "{\"operationId\":\"op-1\",\"status\":\"assigning\"}"));

    DpsResponse response =
        transport.register(REQUEST, Optional.of("SharedAccessSignature sr=x"), WAIT);

    assertEquals(
        new DpsResponse(
            202,
            Optional.of(Duration.ofSeconds(3)),
            Optional.empty(),
            "{\"operationId\":\"op-1\",\"status\":\"assigning\"}"),
        response);
    assertEquals(List.of("$dps/registrations/PUT/iotdps-register/?$rid=1"), topics);
    assertEquals(
        JSON.readTree("{\"registrationId\":\"dev-1\",\"payload\":{\"site\":\"berlin\"}}"),
        JSON.readTree(payloads.get(0)));
    assertEquals(
        List.of(
            "0ne00ABCDEF/registrations/dev-1/api-version=2021-06-01&ClientVersion="
                + Version.USER_AGENT.replace("/", "%2F")),
        usernames);
    assertEquals("SharedAccessSignature sr=x", sessions.get(0).password);
  }

  @Test
  void pollsOnTheSameConnectionWithTheNextRidAndAnEmptyBody() throws Exception {
    answers.add(reply("202", "", "{}"));
    answers.add(reply("200", "", "{\"status\":\"assigned\"}"));

    transport.register(REQUEST, Optional.empty(), WAIT);
    DpsResponse polled = transport.poll(new Operation(REQUEST, "op-1"), Optional.empty(), WAIT);

    assertEquals(200, polled.status());
    assertEquals(
        "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2&operationId=op-1",
        topics.get(1));
    assertEquals("", payloads.get(1));
    assertEquals(1, sessions.size(), "one connection for the whole run");
  }

  @Test
  void aReplyForAnotherRequestIsIgnoredAndASilentBrokerIsDroppedAtTheDeadline() throws Exception {
    answers.add(
        (listener, topic) ->
            listener.onMessage("$dps/registrations/res/200/?$rid=999", new byte[0]));
    answers.add(reply("200", "", "{}"));

    HttpTimeoutException e =
        assertThrows(
            HttpTimeoutException.class,
            () -> transport.register(REQUEST, Optional.empty(), Duration.ofMillis(200)));

    assertEquals("no MQTT reply within 200 ms", e.getMessage());
    assertTrue(sessions.get(0).closed, "a silent broker is not trusted with the next request");
    assertEquals(200, transport.register(REQUEST, Optional.empty(), WAIT).status());
    assertEquals(2, sessions.size());
  }

  @Test
  void aRefusedConnectionIsA401WithTheBrokersReason() throws Exception {
    refuseNextConnect = new MqttSession.NotAuthorizedException("CONNACK 5: not authorized");

    DpsResponse response =
        transport.register(REQUEST, Optional.of("SharedAccessSignature sr=bad"), WAIT);

    assertEquals(401, response.status());
    assertEquals(
        "CONNACK 5: not authorized", JSON.readTree(response.body()).get("message").textValue());
    assertTrue(topics.isEmpty(), "nothing is published on a refused connection");
  }

  @Test
  void aConnectionLostMidRequestFailsItAndTheNextRequestReconnects() throws Exception {
    answers.add(
        (listener, topic) -> listener.onConnectionLost(new IOException("broker went away")));
    answers.add(reply("200", "", "{}"));

    IOException e =
        assertThrows(IOException.class, () -> transport.register(REQUEST, Optional.empty(), WAIT));

    assertEquals("MQTT connection lost: broker went away", e.getMessage());
    sessions.get(0).connected = false;
    assertEquals(200, transport.register(REQUEST, Optional.empty(), WAIT).status());
    assertEquals(2, sessions.size());
  }

  @Test
  void closeClosesTheSession() throws Exception {
    answers.add(reply("200", "", "{}"));
    transport.register(REQUEST, Optional.empty(), WAIT);

    transport.close();

    assertTrue(sessions.get(0).closed);
    assertFalse(sessions.get(0).connected);
  }

  private final class Broker implements MqttSession.Connector {
    @Override
    public MqttSession connect(
        String username, String password, MqttSession.Listener listener, Deadline deadline)
        throws IOException {
      if (refuseNextConnect != null) {
        IOException refused = refuseNextConnect;
        refuseNextConnect = null;
        throw refused;
      }
      usernames.add(username);
      Session session = new Session(listener, password);
      sessions.add(session);
      return session;
    }
  }

  private final class Session implements MqttSession {
    private final Listener listener;
    private final String password;
    private boolean connected = true;
    private boolean closed;

    Session(Listener listener, String password) {
      this.listener = listener;
      this.password = password;
    }

    @Override
    public boolean isConnected() {
      return connected;
    }

    @Override
    public void publish(String topic, byte[] payload, Deadline deadline) {
      topics.add(topic);
      payloads.add(new String(payload, StandardCharsets.UTF_8));
      BiConsumer<Listener, String> answer = answers.poll();
      if (answer != null) {
        answer.accept(listener, topic);
      }
    }

    @Override
    public void close() {
      closed = true;
      connected = false;
    }
  }
}
