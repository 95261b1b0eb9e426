package io.dpsagent.emulator.hub;

import java.util.Optional;

/**
 * The device identities DPS has created on each hub. The registry answers it from its registration
 * records, so a device moved to another hub is no longer found on the old one.
 */
@FunctionalInterface
public interface HubDirectory {

  /**
   * The device registered to the hub {@code hubHostName} (a DNS name, any case) under {@code
   * deviceId} (case-sensitive, as IoT Hub device IDs are); empty when DPS assigned it nowhere or
   * elsewhere.
   */
  Optional<HubDevice> device(String hubHostName, String deviceId);
}
