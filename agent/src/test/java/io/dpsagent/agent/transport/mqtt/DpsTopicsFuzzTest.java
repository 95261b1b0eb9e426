package io.dpsagent.agent.transport.mqtt;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.hsm.testing.Fuzz;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzz target: MQTT reply topics and their properties ({@code $rid}, {@code retry-after}). Seeds
 * are the topics DPS publishes. Property: {@link DpsTopics#parseReply} never throws; what it
 * accepts has an HTTP status of 100..599 and a non-negative Retry-After.
 */
class DpsTopicsFuzzTest {

  private static final List<String> SEEDS = Fuzz.textSeeds(DpsTopicsFuzzTest.class, "mqtt-topic");

  @Example
  void everySeedIsAReply() {
    SEEDS.forEach(seed -> assertTrue(DpsTopics.parseReply(seed).isPresent(), seed));
  }

  @Property
  void replyTopicsParseOrAreIgnored(@ForAll("topics") String topic) {
    Optional<DpsTopics.Reply> reply =
        Fuzz.bounded(() -> DpsTopics.parseReply(topic)).allowOnly().value();
    reply.ifPresent(
        r -> {
          assertTrue(
              r.status() >= 100 && r.status() <= 599,
              () -> "status " + r.status() + " from " + topic);
          r.retryAfter().ifPresent(d -> assertTrue(!d.isNegative(), topic));
        });
  }

  @Provide
  Arbitrary<String> topics() {
    return Fuzz.textMutationsOf(SEEDS);
  }
}
