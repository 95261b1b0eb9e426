package io.dpsagent.e2e;

import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.config.EmulatorConfig;

/** Starts emulators configured for tests: free ports, generated CA, short Retry-After. */
final class Emulators {

  private Emulators() {}

  /** Every device transport on, MQTT 5 accepted (DPS itself refuses it), short Retry-After. */
  static DpsEmulator startAllTransports() throws Exception {
    return DpsEmulator.start(EmulatorConfig.defaults().toBuilder()
        .retryAfterSeconds(1).mqtt5(io.dpsagent.emulator.mqtt.Mqtt5Policy.ACCEPT).build());
  }

  static DpsEmulator startFast() throws Exception {
    return DpsEmulator.start(EmulatorConfig.defaults().toBuilder().retryAfterSeconds(1).build());
  }
}
