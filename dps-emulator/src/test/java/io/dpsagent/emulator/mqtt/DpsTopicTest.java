package io.dpsagent.emulator.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DpsTopicTest {

  static Stream<Arguments> requestTopics() {
    DpsTopic poll = new DpsTopic(DpsTopic.Kind.POLL, "abc-9", Optional.of("4.a.b"));
    return Stream.of(
        arguments(
            "$dps/registrations/PUT/iotdps-register/?$rid=1",
            new DpsTopic(DpsTopic.Kind.REGISTER, "1", Optional.empty())),
        // A poll's parameters come in either order.
        arguments(
            "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=abc-9&operationId=4.a.b",
            poll),
        arguments(
            "$dps/registrations/GET/iotdps-get-operationstatus/?operationId=4.a.b&$rid=abc-9",
            poll),
        // A poll without an operation ID still parses.
        arguments(
            "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2",
            new DpsTopic(DpsTopic.Kind.POLL, "2", Optional.empty())));
  }

  @ParameterizedTest
  @MethodSource("requestTopics")
  void requestTopicsParse(String topic, DpsTopic expected) {
    assertEquals(Optional.of(expected), DpsTopic.parse(topic));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "$dps/registrations/PUT/iotdps-register/",
        "$dps/registrations/PUT/iotdps-register/?$rid=",
        "$dps/registrations/PUT/iotdps-register/?rid=1",
        "$dps/registrations/res/202/?$rid=1",
        "devices/dev-1/messages/events/",
        "$dps/registrations/PUT/iotdps-other/?$rid=1"
      })
  void otherTopicsAreUnknown(String topic) {
    assertEquals(Optional.empty(), DpsTopic.parse(topic));
  }

  @Test
  void replyTopicPutsRidFirstAndRetryAfterInLowerCase() {
    DpsTopic request = DpsTopic.parse("$dps/registrations/PUT/iotdps-register/?$rid=%7B1%7D").get();

    assertEquals(
        "$dps/registrations/res/202/?$rid=%7B1%7D&retry-after=3",
        request.replyTopic(202, OptionalInt.of(3)));
    assertEquals(
        "$dps/registrations/res/200/?$rid=%7B1%7D", request.replyTopic(200, OptionalInt.empty()));
  }
}
