package io.dpsagent.emulator.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which request gets which fault: scripts, filters, seeded draws. */
class FaultsTest {

  private static final Fault E503 = Fault.parse("503");
  private static final Fault RESET = Fault.parse("reset");

  private final Faults faults = new Faults();

  @Test
  void aScriptIsConsumedInOrderOnePerMatchingRequestThenRunsOut() {
    faults.install(FaultPlan.of(0, FaultRule.scripted(List.of(E503, Fault.OK, RESET))));

    assertEquals(Optional.of(E503), next(RequestKind.REGISTER, "a"));
    assertEquals(Optional.empty(), next(RequestKind.POLL, "b"));
    assertEquals(Optional.of(RESET), next(RequestKind.POLL, "a"));
    assertEquals(Optional.empty(), next(RequestKind.REGISTER, "a"));
    assertEquals(Map.of("503", 1L, "reset", 1L), faults.injected());
  }

  @Test
  void rulesApplyOnlyToTheirRequestKindTransportAndDevice() {
    faults.install(
        FaultPlan.of(
            0,
            FaultRule.scripted(List.of(E503, E503)).onlyFor(RequestKind.POLL),
            FaultRule.scripted(List.of(RESET))
                .onlyOver(DeviceTransport.MQTT)
                .onlyForDevice("Dev-9")));

    assertEquals(Optional.empty(), next(RequestKind.REGISTER, "dev-9"));
    assertEquals(
        Optional.empty(), faults.next(RequestKind.REGISTER, DeviceTransport.MQTT, "dev-1"));
    assertEquals(
        Optional.of(RESET), faults.next(RequestKind.REGISTER, DeviceTransport.MQTT, "DEV-9"));
    assertEquals(Optional.of(E503), next(RequestKind.POLL, "dev-1"));
  }

  @Test
  void armedFailuresComeBeforeThePlanAndClearRemovesBoth() {
    faults.install(FaultPlan.of(0, FaultRule.scripted(List.of(RESET))));
    faults.failNext(1, 429, 4);

    assertEquals(Optional.of(Fault.parse("429:4")), next(RequestKind.REGISTER, "a"));
    assertEquals(0, faults.remaining());
    faults.clear();
    assertEquals(Optional.empty(), next(RequestKind.REGISTER, "a"));
    assertEquals(FaultPlan.NONE, faults.plan());
  }

  @Test
  void theSameSeedGivesEachDeviceTheSameFaultsWhateverTheInterleaving() {
    FaultPlan plan = FaultPlan.of(42, FaultRule.random(0.3, List.of(E503, RESET)));
    faults.install(plan);
    List<Optional<Fault>> alone = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      alone.add(next(RequestKind.REGISTER, "dev-a"));
    }
    Faults other = new Faults();
    other.install(plan);
    List<Optional<Fault>> interleaved = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      other.next(RequestKind.REGISTER, DeviceTransport.HTTPS, "dev-b");
      interleaved.add(other.next(RequestKind.REGISTER, DeviceTransport.HTTPS, "DEV-A"));
    }

    assertEquals(alone, interleaved);
    Faults reseeded = new Faults();
    reseeded.install(FaultPlan.of(43, plan.rules().get(0)));
    List<Optional<Fault>> differentSeed = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      differentSeed.add(reseeded.next(RequestKind.REGISTER, DeviceTransport.HTTPS, "dev-a"));
    }
    assertTrue(!alone.equals(differentSeed), "another seed draws otherwise");
  }

  @Test
  void theProbabilityIsTheShareOfFaultedRequestsAndChoicesAreUniform() {
    faults.install(FaultPlan.of(7, FaultRule.random(0.3, List.of(E503, RESET))));
    int requests = 10_000;
    for (int i = 0; i < requests; i++) {
      next(RequestKind.REGISTER, "dev-" + (i % 100));
    }

    long resets = faults.injected().get("reset");
    long unavailable = faults.injected().get("503");
    assertTrue(Math.abs(resets + unavailable - 3000) < 200, faults.injected()::toString);
    assertTrue(Math.abs(resets - unavailable) < 200, faults.injected()::toString);
  }

  private Optional<Fault> next(RequestKind kind, String registrationId) {
    return faults.next(kind, DeviceTransport.HTTPS, registrationId);
  }
}
