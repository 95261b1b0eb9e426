package io.dpsagent.e2e;

import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.config.EmulatorConfig;

/** Starts emulators configured for tests: free ports, generated CA, short Retry-After. */
final class Emulators {

  private Emulators() {}

  static DpsEmulator startFast() throws Exception {
    return DpsEmulator.start(EmulatorConfig.defaults().toBuilder().retryAfterSeconds(1).build());
  }
}
