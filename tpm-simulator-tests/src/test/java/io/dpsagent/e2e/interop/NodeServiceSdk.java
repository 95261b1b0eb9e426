package io.dpsagent.e2e.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * The Node service SDK (azure-iot-provisioning-service) via service-client.js: a sequence of
 * ProvisioningServiceClient calls, each answered with its HTTP status and body.
 */
final class NodeServiceSdk {

  static final int TIMEOUT_SECONDS = 30;

  private final String connectionString;
  private final Path caFile;
  private final ArrayNode calls = NodeScripts.JSON.createArrayNode();

  /**
   * @param connectionString {@code HostName=<bare
   *     host>;SharedAccessKeyName=...;SharedAccessKey=...}; the SDK dials port 443 of that host and
   *     signs its SAS for exactly that string
   */
  NodeServiceSdk(String connectionString, Path caFile) {
    this.connectionString = connectionString;
    this.caFile = caFile;
  }

  /**
   * Adds a call of {@code ProvisioningServiceClient.<method>(args...)}; queries are read to their
   * last page.
   */
  NodeServiceSdk call(String method, Object... args) {
    ObjectNode call = calls.addObject().put("method", method);
    ArrayNode list = call.putArray("args");
    for (Object arg : args) {
      list.add(NodeScripts.JSON.valueToTree(arg));
    }
    return this;
  }

  /**
   * Runs the calls in order; the outcome's {@code result} holds one {method, httpStatus, body} per
   * call.
   */
  NodeScripts.Run run() throws Exception {
    ObjectNode request =
        NodeScripts.JSON
            .createObjectNode()
            .put("connectionString", connectionString)
            .put("timeoutSeconds", TIMEOUT_SECONDS);
    request.set("calls", calls);
    return NodeScripts.run("service-client.js", request, caFile);
  }

  /**
   * The answers of a successful run, in call order; fails with everything the script said
   * otherwise.
   */
  static JsonNode answers(NodeScripts.Run run) {
    if (run.exitCode() != 0 || !run.outcome().path("ok").asBoolean()) {
      throw new AssertionError("service-client.js failed: " + run);
    }
    return run.outcome().path("result");
  }

  /**
   * The error of a run whose last call the SDK reported as failed ({@code name, message,
   * httpStatus, body}); fails with everything the script said otherwise.
   */
  static JsonNode error(NodeScripts.Run run) {
    if (run.exitCode() != 1 || run.outcome().path("ok").asBoolean(true)) {
      throw new AssertionError("expected the SDK to report an error: " + run);
    }
    return run.outcome().path("error");
  }
}
