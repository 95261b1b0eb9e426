package io.dpsagent.emulator.service;

import static io.dpsagent.emulator.service.ServiceReplies.body;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.emulator.encoding.Json;
import io.dpsagent.emulator.hub.HubState;
import io.dpsagent.emulator.hub.Hubs;
import io.dpsagent.emulator.hub.Twin;
import java.util.List;
import java.util.Optional;

/**
 * {@code /emulator/hubs}: what the emulated hubs hold, for tests and operators: connected devices,
 * telemetry counts and twins; a desired-property change is pushed to the connected device.
 */
record HubResource(Hubs hubs, ServiceReplies replies) {

  /** {@code GET /emulator/hubs}: each hub with its port, connected devices and message counts. */
  ServiceReply all(ServiceRequest request, List<String> path) {
    if (!request.method().equals("GET")) {
      return replies.notAllowed("GET");
    }
    ArrayNode list = Json.MAPPER.createArrayNode();
    for (HubState hub : hubs.states()) {
      ObjectNode json = list.addObject();
      json.put("hostName", hub.hostName());
      json.put("mqttPort", hubs.port(hub.hostName()).orElse(0));
      ArrayNode connected = json.putArray("connectedDevices");
      hub.connectedDevices().forEach(connected::add);
      ObjectNode messages = json.putObject("messages");
      hub.messageCounts().forEach(messages::put);
    }
    return ServiceReply.ok(list);
  }

  /**
   * {@code /emulator/hubs/{hub}/twins/{deviceId}}: GET the twin; PATCH {@code
   * {"properties":{"desired":{...}}}} merges desired properties and pushes them to the device.
   */
  ServiceReply twin(ServiceRequest request, List<String> path) throws InvalidRequestException {
    Optional<HubState> hub = hubs.state(path.get(2));
    Optional<Twin> twin = hub.flatMap(h -> h.existingTwin(path.get(4)));
    if (twin.isEmpty()) {
      return replies.error(
          ServiceError.NOT_FOUND, "No twin for this device on this hub (it has not connected).");
    }
    switch (request.method()) {
      case "GET":
        return ServiceReply.ok(twin.get().document());
      case "PATCH":
        JsonNode desired = body(request).path("properties").path("desired");
        if (!(desired instanceof ObjectNode patch)) {
          throw new InvalidRequestException("The body needs properties.desired as an object.");
        }
        try {
          hub.get().updateDesired(path.get(4), patch);
        } catch (IllegalArgumentException e) {
          throw new InvalidRequestException(e.getMessage());
        }
        return ServiceReply.ok(twin.get().document());
      default:
        return replies.notAllowed("GET, PATCH");
    }
  }
}
