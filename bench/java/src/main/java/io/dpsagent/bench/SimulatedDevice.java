package io.dpsagent.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One device of the load: its registration id and the SAS token it signs its requests with, made
 * before the timed window (a device has its token before it dials, and two HMACs are not what the
 * emulator's capacity is about).
 */
record SimulatedDevice(String registrationId, String authorization) {

  /** {@code count} devices {@code prefix-0 …}, tokens valid for an hour. */
  static List<SimulatedDevice> of(String prefix, int count, byte[] groupKey, String idScope) {
    long expiry = System.currentTimeMillis() / 1000 + 3600;
    List<SimulatedDevice> devices = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String id = prefix + "-" + i;
      devices.add(new SimulatedDevice(id, DeviceSas.token(groupKey, idScope, id, expiry)));
    }
    return devices;
  }

  @Override
  public String toString() {
    return "SimulatedDevice[" + registrationId + ", token redacted]";
  }
}
