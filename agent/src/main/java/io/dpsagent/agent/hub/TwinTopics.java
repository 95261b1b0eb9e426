package io.dpsagent.agent.hub;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The twin response topic: {@code $iothub/twin/res/{status}/?$rid={rid}[&$version=n]}. */
final class TwinTopics {

  private static final Pattern REPLY =
      Pattern.compile("\\$iothub/twin/res/(\\d{3})/\\?(?:.*&)?\\$rid=([^&]*)(?:&.*)?");

  private TwinTopics() {}

  /** The status of a reply to request {@code rid}; empty for any other topic. */
  static Optional<Integer> replyStatus(String topic, String rid) {
    Matcher m = REPLY.matcher(topic);
    if (!m.matches() || !m.group(2).equals(rid)) {
      return Optional.empty();
    }
    return Optional.of(Integer.parseInt(m.group(1)));
  }
}
