package io.dpsagent.emulator.hub;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one emulated hub holds beside the identities DPS created: device twins, telemetry counts and
 * open connections. Device IDs are case-sensitive, as in IoT Hub.
 */
public final class HubState {

  private final String hostName;
  private final Map<String, Twin> twins = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> messages = new ConcurrentHashMap<>();
  private final Map<String, List<HubSession>> sessions = new ConcurrentHashMap<>();

  public HubState(String hostName) {
    this.hostName = hostName;
  }

  public String hostName() {
    return hostName;
  }

  /** The device's twin, made from DPS's initial twin when the device first needs one. */
  public Twin twin(HubDevice device) {
    return twins.computeIfAbsent(
        key(device.deviceId()),
        k -> new Twin(device.initialDesired().orElseGet(JsonNodeFactory.instance::objectNode)));
  }

  /** The device's twin if it has one on this hub. */
  public Optional<Twin> existingTwin(String deviceId) {
    return Optional.ofNullable(twins.get(key(deviceId)));
  }

  /**
   * Changes desired properties and pushes the change to the device's open connections.
   *
   * @return the patch as pushed, with its {@code $version}; empty if the device has no twin here
   */
  public Optional<ObjectNode> updateDesired(String deviceId, ObjectNode patch) {
    Optional<Twin> twin = existingTwin(deviceId);
    Optional<ObjectNode> pushed = twin.map(t -> t.patchDesired(patch));
    pushed.ifPresent(p -> sessionsOf(deviceId).forEach(s -> s.pushDesired(p.deepCopy())));
    return pushed;
  }

  /**
   * Forgets the device here and closes its connections: DPS moved it to another hub or reset its
   * twin data.
   *
   * @return the twin it had here, for a re-provisioning that migrates twin data
   */
  public Optional<Twin> remove(String deviceId) {
    sessionsOf(deviceId).forEach(HubSession::close);
    return Optional.ofNullable(twins.remove(key(deviceId)));
  }

  /** Takes over a twin migrated from another hub. */
  public void adopt(String deviceId, Twin twin) {
    twins.put(key(deviceId), twin);
  }

  void countMessage(String deviceId) {
    messages.computeIfAbsent(key(deviceId), k -> new AtomicLong()).incrementAndGet();
  }

  /** How many telemetry messages the device sent to this hub. */
  public long messages(String deviceId) {
    AtomicLong count = messages.get(key(deviceId));
    return count == null ? 0 : count.get();
  }

  /** Telemetry messages per device, by device ID, sorted. */
  public Map<String, Long> messageCounts() {
    Map<String, Long> counts = new TreeMap<>();
    messages.forEach((device, count) -> counts.put(device, count.get()));
    return counts;
  }

  /** The IDs of the devices connected now, sorted. */
  public Set<String> connectedDevices() {
    Set<String> connected = new TreeSet<>();
    sessions.forEach(
        (device, open) -> {
          if (!open.isEmpty()) {
            connected.add(device);
          }
        });
    return connected;
  }

  void opened(String deviceId, HubSession session) {
    sessions.computeIfAbsent(key(deviceId), k -> new CopyOnWriteArrayList<>()).add(session);
  }

  void closed(String deviceId, HubSession session) {
    sessionsOf(deviceId).remove(session);
  }

  private List<HubSession> sessionsOf(String deviceId) {
    return sessions.getOrDefault(key(deviceId), List.of());
  }

  private static String key(String deviceId) {
    return deviceId;
  }
}
