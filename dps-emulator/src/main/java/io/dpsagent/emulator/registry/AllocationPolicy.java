package io.dpsagent.emulator.registry;

import io.dpsagent.common.ConstantNames;
import java.util.Locale;
import java.util.Optional;

/**
 * How DPS picks the IoT hub for a device, spelled as the DPS service API spells it.
 *
 * <p>The config file also accepts the portal's names ({@code evenly_weighted}, {@code
 * lowest_latency}) as aliases.
 */
public enum AllocationPolicy {
  /** Evenly weighted distribution: a weighted hash of the registration ID. */
  HASHED,
  /** Lowest latency: the linked hub with the lowest configured latency; ties are hashed. */
  GEO_LATENCY,
  /** The one hub named by the enrollment. */
  STATIC,
  /** A webhook chooses. */
  CUSTOM;

  public String wireName() {
    return ConstantNames.camelCase(this);
  }

  /**
   * Parses a service API name, case-insensitively, or one of the config aliases.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static AllocationPolicy fromName(String text) {
    String folded = text == null ? "" : text.toLowerCase(Locale.ROOT);
    return ConstantNames.find(
            values(), policy -> policy.wireName().toLowerCase(Locale.ROOT), folded)
        .or(() -> portalAlias(folded))
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    ConstantNames.choices(values(), AllocationPolicy::wireName)));
  }

  private static Optional<AllocationPolicy> portalAlias(String folded) {
    return switch (folded) {
      case "evenly_weighted", "evenlyweighted" -> Optional.of(HASHED);
      case "lowest_latency", "lowestlatency" -> Optional.of(GEO_LATENCY);
      default -> Optional.empty();
    };
  }
}
