package io.dpsagent.emulator.device;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which device requests a rule applies to and what it does to them: either, with {@code
 * probability}, one of {@code faults} picked uniformly (list a fault twice to double its share), or
 * the next entry of {@code script}, one per matching request, until the script runs out.
 *
 * @param requests empty: register and poll
 * @param transport empty: HTTPS and MQTT (MQTT over WebSocket is MQTT)
 * @param registrationId empty: every device; matched case-insensitively
 */
public record FaultRule(
    Optional<RequestKind> requests,
    Optional<DeviceTransport> transport,
    Optional<String> registrationId,
    double probability,
    List<Fault> faults,
    List<Fault> script) {

  public FaultRule {
    faults = List.copyOf(faults);
    script = List.copyOf(script);
    if (faults.isEmpty() == script.isEmpty()) {
      throw new IllegalArgumentException(
          "a rule has either faults (with a probability) or a script");
    }
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("probability must be between 0 and 1");
    }
  }

  /** With {@code probability}, one of {@code faults}. */
  public static FaultRule random(double probability, List<Fault> faults) {
    return new FaultRule(
        Optional.empty(), Optional.empty(), Optional.empty(), probability, faults, List.of());
  }

  /** {@code script}, one entry per request. */
  public static FaultRule scripted(List<Fault> script) {
    return new FaultRule(
        Optional.empty(), Optional.empty(), Optional.empty(), 0, List.of(), script);
  }

  public FaultRule onlyFor(RequestKind kind) {
    return new FaultRule(Optional.of(kind), transport, registrationId, probability, faults, script);
  }

  public FaultRule onlyOver(DeviceTransport over) {
    return new FaultRule(requests, Optional.of(over), registrationId, probability, faults, script);
  }

  public FaultRule onlyForDevice(String id) {
    return new FaultRule(requests, transport, Optional.of(id), probability, faults, script);
  }

  public boolean isScript() {
    return !script.isEmpty();
  }

  boolean matches(RequestKind kind, DeviceTransport over, String id) {
    return requests.map(kind::equals).orElse(true)
        && transport.map(over::equals).orElse(true)
        && registrationId
            .map(wanted -> wanted.toLowerCase(Locale.ROOT).equals(id.toLowerCase(Locale.ROOT)))
            .orElse(true);
  }
}
