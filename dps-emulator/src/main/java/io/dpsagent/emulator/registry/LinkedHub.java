package io.dpsagent.emulator.registry;

import java.util.Locale;

/**
 * An IoT hub the DPS instance may assign devices to.
 *
 * @param hostName the hub's host name as devices will see it in {@code assignedHub}
 * @param allocationWeight share of hashed allocations; 0 keeps the hub linked but never chosen
 * @param latencyMillis the latency the lowest-latency policy assumes for this hub (0 when not
 *     configured)
 */
public record LinkedHub(String hostName, int allocationWeight, int latencyMillis) {

  public LinkedHub {
    if (hostName == null || hostName.isBlank()) {
      throw new IllegalArgumentException("hub host name is empty");
    }
    if (allocationWeight < 0) {
      throw new IllegalArgumentException("allocation weight is negative");
    }
    if (latencyMillis < 0) {
      throw new IllegalArgumentException("latency is negative");
    }
  }

  /** A hub without a configured latency. */
  public LinkedHub(String hostName, int allocationWeight) {
    this(hostName, allocationWeight, 0);
  }

  public LinkedHub withLatencyMillis(int latency) {
    return new LinkedHub(hostName, allocationWeight, latency);
  }

  public static LinkedHub withHostName(String hostName) {
    return new LinkedHub(hostName, 1);
  }

  /** Host names are DNS names: enrollments may spell them in any case. */
  public boolean hasHostName(String name) {
    return hostName.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT));
  }
}
