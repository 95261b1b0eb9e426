package io.dpsagent.emulator.allocation;

import io.dpsagent.emulator.registry.LinkedHub;
import io.dpsagent.emulator.registry.WeightedHubAllocator;
import java.util.List;
import java.util.Optional;

/**
 * DPS's "lowest latency" policy ({@code geoLatency}) with configured latencies: the hubs with the
 * lowest latency win, and the registration ID is hashed across them by weight, as DPS hashes
 * devices across equally close hubs. Hubs of weight 0 are never chosen.
 */
public final class LowestLatencyAllocator {

  private LowestLatencyAllocator() {}

  public static Optional<LinkedHub> choose(String registrationId, List<LinkedHub> hubs) {
    List<LinkedHub> usable = hubs.stream().filter(hub -> hub.allocationWeight() > 0).toList();
    int lowest = usable.stream().mapToInt(LinkedHub::latencyMillis).min().orElse(0);
    List<LinkedHub> closest = usable.stream().filter(hub -> hub.latencyMillis() == lowest).toList();
    return WeightedHubAllocator.choose(registrationId, closest);
  }
}
