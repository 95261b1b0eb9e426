package io.dpsagent.emulator.device;

/** The protocol a device request came over; TPM attestation exists over HTTPS only. */
public enum DeviceTransport {
  HTTPS,
  MQTT
}
