package io.dpsagent.agent.output;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.common.ConstantNames;
import java.time.Instant;
import java.util.Optional;

/**
 * How the last connection to the assigned hub with the new credential went, as {@code
 * connection.json} records it for {@code status}; with the twin's desired properties when they were
 * read, which become {@code initial-config.json}.
 *
 * @param at when the verification ended; empty when none was made
 * @param detail why it ended so (the hub's refusal, the network failure), for people
 * @param desired the twin's desired properties, {@code $version} included; never read back from
 *     {@code connection.json}
 */
public record HubVerification(
    Result result, Optional<Instant> at, Optional<String> detail, Optional<ObjectNode> desired) {

  /** The outcomes, by their name in {@code connection.json} and {@code status --json}. */
  public enum Result {
    /** The hub accepted the credential (CONNACK 0). */
    REACHABLE,
    /** The hub refused the credential (CONNACK 4 or 5). */
    REJECTED,
    /** No answer, a TLS failure, another CONNACK refusal, or no CONNACK in time. */
    UNREACHABLE,
    /** Verification is off, or this output set predates it. */
    NOT_VERIFIED;

    public String configName() {
      return ConstantNames.lowerCase(this);
    }

    /** The result named {@code name}; an unknown name reads as {@link #NOT_VERIFIED}. */
    static Result fromName(String name) {
      for (Result r : values()) {
        if (r.configName().equals(name)) {
          return r;
        }
      }
      return NOT_VERIFIED;
    }
  }

  public HubVerification {
    desired = desired.map(ObjectNode::deepCopy);
  }

  public static final HubVerification NOT_VERIFIED =
      new HubVerification(
          Result.NOT_VERIFIED, Optional.empty(), Optional.empty(), Optional.empty());

  public static HubVerification reachable(Instant at, Optional<ObjectNode> desired, String detail) {
    return new HubVerification(Result.REACHABLE, Optional.of(at), Optional.of(detail), desired);
  }

  public static HubVerification failed(Result result, Instant at, String detail) {
    return new HubVerification(result, Optional.of(at), Optional.of(detail), Optional.empty());
  }

  /**
   * {@code {result, at, detail}}, as {@code connection.json} and {@code status --json} show it; the
   * desired properties are a file of their own.
   */
  public ObjectNode toJson() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("result", result.configName());
    at.ifPresent(t -> node.put("at", t.toString()));
    detail.ifPresent(d -> node.put("detail", d));
    return node;
  }
}
