package io.dpsagent.emulator;

import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.registry.LinkedHub;
import java.util.List;

/** An emulator for service API tests: two weighted hubs, and polls answered at once. */
abstract class ServiceApiFixture extends EmulatorFixture {

  static final LinkedHub HUB_1 = new LinkedHub("hub-1.azure-devices.net", 1);
  static final LinkedHub HUB_2 = new LinkedHub("hub-2.azure-devices.net", 3);

  @Override
  protected EmulatorConfig config() {
    return EmulatorConfig.builder().linkedHubs(List.of(HUB_1, HUB_2)).retryAfterSeconds(0).build();
  }
}
