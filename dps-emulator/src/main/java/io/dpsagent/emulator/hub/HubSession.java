package io.dpsagent.emulator.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A device's open connection to a hub, as the hub's state sees it. */
interface HubSession {

  /** Sends a desired-property patch, if the device subscribed to them. */
  void pushDesired(ObjectNode patch);

  /** Closes the connection, e.g. because DPS moved the device to another hub. */
  void close();
}
