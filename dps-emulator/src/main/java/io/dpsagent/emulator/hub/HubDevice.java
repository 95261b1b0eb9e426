package io.dpsagent.emulator.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * A device identity of a hub, as DPS created it at registration.
 *
 * @param initialDesired the desired properties of the initial twin DPS applied (from the enrollment
 *     or the custom allocation webhook), if any
 */
public record HubDevice(
    String deviceId, HubCredential credential, Optional<ObjectNode> initialDesired) {

  public HubDevice {
    initialDesired = initialDesired.map(ObjectNode::deepCopy);
  }
}
