package io.dpsagent.emulator.device;

import java.util.List;

/**
 * The faults to inject: rules tried in order, the first that fires deciding. Random choices come
 * from {@code seed}, drawn per device and per request, so the same seed gives a device the same
 * faults whatever other devices do meanwhile.
 */
public record FaultPlan(long seed, List<FaultRule> rules) {

  public static final FaultPlan NONE = new FaultPlan(0, List.of());

  public FaultPlan {
    rules = List.copyOf(rules);
  }

  public static FaultPlan of(long seed, FaultRule... rules) {
    return new FaultPlan(seed, List.of(rules));
  }
}
