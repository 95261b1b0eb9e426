package io.dpsagent.emulator.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WeightedHubAllocatorTest {

  private static final LinkedHub LIGHT = new LinkedHub("light.azure-devices.net", 1);
  private static final LinkedHub HEAVY = new LinkedHub("heavy.azure-devices.net", 3);
  private static final LinkedHub DRAINED = new LinkedHub("drained.azure-devices.net", 0);

  @Test
  void sameRegistrationIdAlwaysGetsSameHubWhateverItsCase() {
    List<LinkedHub> hubs = List.of(LIGHT, HEAVY);
    Optional<LinkedHub> first = WeightedHubAllocator.choose("device-42", hubs);

    for (int i = 0; i < 10; i++) {
      assertEquals(first, WeightedHubAllocator.choose("device-42", hubs));
    }
    assertEquals(first, WeightedHubAllocator.choose("DEVICE-42", hubs));
  }

  @Test
  void sharesFollowWeightsAndZeroWeightIsNeverChosen() {
    Map<LinkedHub, Integer> counts = new HashMap<>();
    for (int i = 0; i < 4000; i++) {
      LinkedHub hub =
          WeightedHubAllocator.choose("device-" + i, List.of(LIGHT, DRAINED, HEAVY)).orElseThrow();
      counts.merge(hub, 1, Integer::sum);
    }

    assertEquals(0, counts.getOrDefault(DRAINED, 0));
    // Expected 1000 and 3000; SHA-256 spreads well enough to stay within a few percent.
    int light = counts.getOrDefault(LIGHT, 0);
    assertTrue(light > 850 && light < 1150, "light hub got " + light);
  }

  @Test
  void tenThousandRegistrationIdsSplitWithinTwoPercentOfOneToThree() {
    int light = 0;
    int total = 10_000;
    for (int i = 0; i < total; i++) {
      if (WeightedHubAllocator.choose("sensor-" + i, List.of(LIGHT, HEAVY)).orElseThrow()
          == LIGHT) {
        light++;
      }
    }

    double lightShare = light / (double) total;
    assertTrue(Math.abs(lightShare - 0.25) <= 0.02, "light hub share " + lightShare);
    assertTrue(Math.abs((1 - lightShare) - 0.75) <= 0.02, "heavy hub share " + (1 - lightShare));
  }

  @Test
  void noHubWithWeightMeansNoChoice() {
    assertEquals(Optional.empty(), WeightedHubAllocator.choose("d", List.of()));
    assertEquals(Optional.empty(), WeightedHubAllocator.choose("d", List.of(DRAINED)));
  }

  @Test
  void singleHubGetsEverything() {
    assertEquals(Optional.of(LIGHT), WeightedHubAllocator.choose("anything", List.of(LIGHT)));
  }
}
