package io.dpsagent.emulator.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * A device twin's properties: desired (set by the solution, starting from DPS's initial twin) and
 * reported (set by the device), each with the version IoT Hub counts from 1 and raises on every
 * change. Updates are JSON merge patches (RFC 7396): {@code null} removes a property. Methods are
 * synchronized because the device's connection and the service API change one twin from different
 * threads.
 */
public final class Twin {

  /** IoT Hub refuses twin documents nested deeper than this. */
  static final int MAX_DEPTH = 10;

  private static final String VERSION = "$version";

  private final ObjectNode desired;
  private final ObjectNode reported = JsonNodeFactory.instance.objectNode();
  private long desiredVersion = 1;
  private long reportedVersion = 1;

  Twin(ObjectNode initialDesired) {
    this.desired = initialDesired.deepCopy();
    desired.remove(VERSION);
  }

  /** The twin as the device reads it: {@code {"desired":{...,"$version":n},"reported":{...}}}. */
  public synchronized ObjectNode document() {
    ObjectNode document = JsonNodeFactory.instance.objectNode();
    document.set("desired", versioned(desired, desiredVersion));
    document.set("reported", versioned(reported, reportedVersion));
    return document;
  }

  public synchronized ObjectNode desired() {
    return versioned(desired, desiredVersion);
  }

  public synchronized ObjectNode reported() {
    return versioned(reported, reportedVersion);
  }

  /**
   * Applies a reported-property patch from the device.
   *
   * @return the new reported version
   * @throws IllegalArgumentException if the patch is nested too deeply
   */
  public synchronized long patchReported(ObjectNode patch) {
    checkDepth(patch, 1);
    merge(reported, patch);
    return ++reportedVersion;
  }

  /**
   * Applies a desired-property patch from the solution.
   *
   * @return the patch as the device receives it, with the new {@code $version}
   * @throws IllegalArgumentException if the patch is nested too deeply
   */
  public synchronized ObjectNode patchDesired(ObjectNode patch) {
    checkDepth(patch, 1);
    merge(desired, patch);
    return versioned(patch, ++desiredVersion);
  }

  private static ObjectNode versioned(ObjectNode properties, long version) {
    ObjectNode copy = properties.deepCopy();
    copy.remove(VERSION);
    copy.put(VERSION, version);
    return copy;
  }

  private static void merge(ObjectNode target, ObjectNode patch) {
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getKey().startsWith("$")) {
        continue; // metadata such as $version is the hub's, never the client's
      }
      JsonNode value = field.getValue();
      JsonNode existing = target.get(field.getKey());
      if (value.isNull()) {
        target.remove(field.getKey());
      } else if (value instanceof ObjectNode object && existing instanceof ObjectNode into) {
        merge(into, object);
      } else {
        target.set(field.getKey(), value.deepCopy());
      }
    }
  }

  private static void checkDepth(JsonNode node, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("twin properties are nested deeper than " + MAX_DEPTH);
    }
    for (JsonNode child : node) {
      if (child.isContainerNode()) {
        checkDepth(child, depth + 1);
      }
    }
  }
}
