package io.dpsagent.emulator.device;

/** The two device requests of the DPS protocol, whatever the transport. */
public enum RequestKind {
  /** {@code PUT .../register}, or a publish to {@code $dps/registrations/PUT/iotdps-register/}. */
  REGISTER,
  /** The operation status query that follows until the result is terminal. */
  POLL,
  /** {@code POST /{idScope}/registrations/{registrationId}}: the device's registration state. */
  STATUS_LOOKUP
}
