package io.dpsagent.emulator.service;

import static io.dpsagent.emulator.service.ServiceReplies.body;

import io.dpsagent.emulator.device.FaultPlanJson;
import io.dpsagent.emulator.device.Faults;
import io.dpsagent.emulator.registry.Registry;
import java.util.List;
import java.util.logging.Logger;

/** {@code /emulator}: what only the emulator has, operation counts and the fault plan. */
record EmulatorResource(Registry registry, Faults faults, ServiceReplies replies) {

  private static final Logger LOG = Logger.getLogger(EmulatorResource.class.getName());

  /** {@code GET /emulator/operations}: the billable operations served so far, and failures. */
  ServiceReply operations(ServiceRequest request, List<String> path) {
    if (!request.method().equals("GET")) {
      return replies.notAllowed("GET");
    }
    return ServiceReply.ok(OperationCountsJson.toJson(registry.operationCounts()));
  }

  /** {@code /emulator/faults}: read, replace (scripts and draws start over) or remove the plan. */
  ServiceReply faults(ServiceRequest request, List<String> path) throws InvalidRequestException {
    switch (request.method()) {
      case "GET":
        return ServiceReply.ok(faults.describe());
      case "PUT":
        try {
          faults.install(FaultPlanJson.read(body(request), FaultPlanJson.KeyStyle.CAMEL_CASE, ""));
        } catch (FaultPlanJson.InvalidFaultPlanException e) {
          throw new InvalidRequestException(e.getMessage());
        }
        LOG.info(() -> "Installed a fault plan: " + faults.describe());
        return ServiceReply.ok(faults.describe());
      case "DELETE":
        faults.clear();
        return ServiceReply.noContent();
      default:
        return replies.notAllowed("GET, PUT, DELETE");
    }
  }
}
