package io.dpsagent.emulator.device;

import java.util.Optional;

/**
 * What every device request carries, whatever the transport.
 *
 * @param registrationId percent-decoded, as the device spelled it
 * @param authorization the SAS token, if the device sent one
 */
public record DeviceRequest(
    String idScope,
    String registrationId,
    Optional<String> apiVersion,
    Optional<String> authorization) {

  @Override
  public String toString() {
    return "DeviceRequest[" + idScope + "/" + registrationId + "]";
  }
}
