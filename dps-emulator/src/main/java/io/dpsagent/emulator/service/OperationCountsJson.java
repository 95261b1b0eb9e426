package io.dpsagent.emulator.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.emulator.registry.OperationCounts;

/**
 * Operation counts as {@code GET /emulator/operations} answers them and as the state file keeps
 * them: the same field names, so that one can be read as the other.
 */
public final class OperationCountsJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private OperationCountsJson() {}

  /** The service API's answer: the billable counts, their total, then the failures. */
  public static ObjectNode toJson(OperationCounts counts) {
    ObjectNode json = billable(counts);
    json.put("total", counts.total());
    // Not billed, so not in the total: registrations that ended failed or disabled.
    json.put("failedRegistrations", counts.failedRegistrations());
    return json;
  }

  /** The state file's: without the total, which follows from the counts. */
  public static ObjectNode toStateJson(OperationCounts counts) {
    ObjectNode json = billable(counts);
    json.put("failedRegistrations", counts.failedRegistrations());
    return json;
  }

  private static ObjectNode billable(OperationCounts counts) {
    ObjectNode json = NODES.objectNode();
    json.put("deviceRegistrations", counts.deviceRegistrations());
    json.put("deviceReregistrations", counts.deviceReregistrations());
    json.put("enrollmentAdds", counts.enrollmentAdds());
    json.put("enrollmentUpdates", counts.enrollmentUpdates());
    json.put("enrollmentGroupAdds", counts.enrollmentGroupAdds());
    json.put("enrollmentGroupUpdates", counts.enrollmentGroupUpdates());
    return json;
  }
}
