package io.dpsagent.emulator.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link FaultPlan} as a tree: the config file's {@code [faults]} table (snake_case keys) and the
 * service API's {@code /emulator/faults} body (camelCase keys) share one shape, so one reader
 * checks both and names the offending key in the style of its source.
 */
public final class FaultPlanJson {

  /** How the source spells the one two-word key. */
  public enum KeyStyle {
    SNAKE_CASE("registration_id"),
    CAMEL_CASE("registrationId");

    private final String registrationId;

    KeyStyle(String registrationId) {
      this.registrationId = registrationId;
    }
  }

  /** A problem with the plan, naming the key (e.g. {@code rules[1].probability}). */
  public static final class InvalidFaultPlanException extends Exception {
    private final String key;

    InvalidFaultPlanException(String key, String problem) {
      super(key + ": " + problem, null, false, false);
      this.key = key;
    }

    public String key() {
      return key;
    }

    /** The problem without the key. */
    public String problem() {
      return getMessage().substring(key.length() + 2);
    }
  }

  private static final Set<String> PLAN_KEYS = Set.of("seed", "rules");

  private final KeyStyle style;
  private final String prefix;

  private FaultPlanJson(KeyStyle style, String prefix) {
    this.style = style;
    this.prefix = prefix;
  }

  /**
   * Reads a plan; {@code prefix} is put before key names in errors ({@code "faults."} for the
   * config file).
   */
  public static FaultPlan read(JsonNode tree, KeyStyle style, String prefix)
      throws InvalidFaultPlanException {
    return new FaultPlanJson(style, prefix).plan(tree);
  }

  private FaultPlan plan(JsonNode tree) throws InvalidFaultPlanException {
    requireObject(tree, "");
    rejectUnknown(tree, PLAN_KEYS, "");
    long seed = 0;
    JsonNode seedNode = tree.get("seed");
    if (seedNode != null) {
      if (!seedNode.isIntegralNumber() || !seedNode.canConvertToLong()) {
        throw invalid("seed", "must be an integer");
      }
      seed = seedNode.longValue();
    }
    JsonNode rulesNode = tree.get("rules");
    List<FaultRule> rules = new ArrayList<>();
    if (rulesNode != null) {
      if (!rulesNode.isArray()) {
        throw invalid("rules", "must be a list of rules");
      }
      for (int i = 0; i < rulesNode.size(); i++) {
        rules.add(rule(rulesNode.get(i), "rules[" + i + "]"));
      }
    }
    return new FaultPlan(seed, rules);
  }

  private FaultRule rule(JsonNode node, String key) throws InvalidFaultPlanException {
    requireObject(node, key);
    Set<String> known =
        Set.of("requests", "transport", style.registrationId, "probability", "faults", "script");
    rejectUnknown(node, known, key + ".");
    Optional<RequestKind> requests =
        choice(
            node,
            key,
            "requests",
            Map.of(
                "register",
                RequestKind.REGISTER,
                "poll",
                RequestKind.POLL,
                "status_lookup",
                RequestKind.STATUS_LOOKUP));
    Optional<DeviceTransport> transport =
        choice(
            node,
            key,
            "transport",
            Map.of("https", DeviceTransport.HTTPS, "mqtt", DeviceTransport.MQTT));
    Optional<String> registrationId = Optional.empty();
    JsonNode id = node.get(style.registrationId);
    if (id != null) {
      if (!id.isTextual() || id.asText().isBlank()) {
        throw invalid(key + "." + style.registrationId, "must be a registration ID");
      }
      registrationId = Optional.of(id.asText());
    }
    List<Fault> faults = faults(node.get("faults"), key + ".faults");
    List<Fault> script = faults(node.get("script"), key + ".script");
    JsonNode probabilityNode = node.get("probability");
    if (faults.isEmpty() == script.isEmpty()) {
      throw invalid(key, "needs either faults (with probability) or script");
    }
    if (!script.isEmpty() && probabilityNode != null) {
      throw invalid(key + ".probability", "does not apply to a script");
    }
    double probability = 0;
    if (!faults.isEmpty()) {
      if (probabilityNode == null) {
        throw invalid(key + ".probability", "is required with faults");
      }
      probability = probabilityNode.isNumber() ? probabilityNode.doubleValue() : -1;
      if (!(probability >= 0 && probability <= 1)) {
        throw invalid(key + ".probability", "must be a number from 0 to 1");
      }
    }
    return new FaultRule(requests, transport, registrationId, probability, faults, script);
  }

  private <T> Optional<T> choice(JsonNode node, String key, String field, Map<String, T> values)
      throws InvalidFaultPlanException {
    JsonNode value = node.get(field);
    if (value == null) {
      return Optional.empty();
    }
    String text = value.isTextual() ? value.asText().toLowerCase(Locale.ROOT) : "";
    if (text.equals("any")) {
      return Optional.empty();
    }
    T chosen = values.get(text);
    if (chosen == null) {
      List<String> names = new ArrayList<>(values.keySet());
      names.sort(null);
      throw invalid(
          key + "." + field, "must be \"" + String.join("\", \"", names) + "\" or \"any\"");
    }
    return Optional.of(chosen);
  }

  private List<Fault> faults(JsonNode node, String key) throws InvalidFaultPlanException {
    if (node == null) {
      return List.of();
    }
    if (!node.isArray() || node.isEmpty()) {
      throw invalid(key, "must be a non-empty list of faults such as [\"503\", \"reset\"]");
    }
    List<Fault> faults = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      String itemKey = key + "[" + i + "]";
      if (!item.isTextual() && !item.isIntegralNumber()) {
        throw invalid(itemKey, "must be a string such as \"503\" or \"delay:500\"");
      }
      try {
        faults.add(Fault.parse(item.asText()));
      } catch (IllegalArgumentException e) {
        throw invalid(itemKey, e.getMessage());
      }
    }
    return faults;
  }

  private void requireObject(JsonNode node, String key) throws InvalidFaultPlanException {
    if (node == null || !node.isObject()) {
      throw invalid(key.isEmpty() ? "(top level)" : key, "must be a table of keys");
    }
  }

  private void rejectUnknown(JsonNode node, Set<String> known, String keyPrefix)
      throws InvalidFaultPlanException {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw invalid(keyPrefix + name, "unknown key");
      }
    }
  }

  private InvalidFaultPlanException invalid(String key, String problem) {
    return new InvalidFaultPlanException(prefix + key, problem);
  }

  /** The plan in the service API's shape, with what is left of each script and what was sent. */
  static ObjectNode toJson(FaultPlan plan, List<Integer> scriptsLeft, Map<String, Long> injected) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("seed", plan.seed());
    ArrayNode rules = root.putArray("rules");
    for (int i = 0; i < plan.rules().size(); i++) {
      FaultRule rule = plan.rules().get(i);
      ObjectNode json = rules.addObject();
      json.put("requests", wireName(rule.requests()));
      json.put("transport", wireName(rule.transport()));
      rule.registrationId().ifPresent(id -> json.put("registrationId", id));
      if (rule.isScript()) {
        rule.script().forEach(fault -> json.withArray("script").add(fault.toString()));
        json.put("scriptLeft", scriptsLeft.get(i));
      } else {
        json.put("probability", rule.probability());
        rule.faults().forEach(fault -> json.withArray("faults").add(fault.toString()));
      }
    }
    ObjectNode counts = root.putObject("injected");
    injected.forEach(counts::put);
    return root;
  }

  private static String wireName(Optional<? extends Enum<?>> value) {
    return value.map(v -> v.name().toLowerCase(Locale.ROOT)).orElse("any");
  }
}
