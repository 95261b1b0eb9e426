package io.dpsagent.emulator.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.emulator.registry.LinkedHub;
import io.dpsagent.emulator.registry.WeightedHubAllocator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LowestLatencyAllocatorTest {

  private static final LinkedHub NEAR = new LinkedHub("near.azure-devices.net", 1, 10);
  private static final LinkedHub NEAR_TOO = new LinkedHub("near-too.azure-devices.net", 3, 10);
  private static final LinkedHub FAR = new LinkedHub("far.azure-devices.net", 100, 80);

  @Test
  void picksTheLowestLatencyWhateverTheWeights() {
    for (int i = 0; i < 200; i++) {
      assertEquals(
          Optional.of(NEAR), LowestLatencyAllocator.choose("dev-" + i, List.of(FAR, NEAR)));
    }
  }

  @Test
  void tiesAreHashedByWeight() {
    Set<LinkedHub> chosen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      String id = "dev-" + i;
      LinkedHub hub = LowestLatencyAllocator.choose(id, List.of(NEAR, FAR, NEAR_TOO)).orElseThrow();
      assertEquals(WeightedHubAllocator.choose(id, List.of(NEAR, NEAR_TOO)).orElseThrow(), hub);
      chosen.add(hub);
    }
    assertEquals(Set.of(NEAR, NEAR_TOO), chosen);
  }

  @Test
  void zeroWeightHubsAreNeverChosenEvenWhenClosest() {
    LinkedHub drained = new LinkedHub("drained.azure-devices.net", 0, 1);

    assertEquals(Optional.of(NEAR), LowestLatencyAllocator.choose("d", List.of(drained, NEAR)));
    assertTrue(LowestLatencyAllocator.choose("d", List.of(drained)).isEmpty());
  }
}
