package io.dpsagent.e2e.interop;

import io.dpsagent.emulator.DpsEmulator;

/** One official device SDK with one transport, driven against an emulator. */
interface DeviceSdk {

  /** Registers with the device key of an individual enrollment. */
  Outcome registerWithDeviceKey(DpsEmulator dps, String registrationId, String deviceKeyBase64)
      throws Exception;

  /** Registers under a group enrollment, deriving the device key as this SDK's documentation does. */
  Outcome registerWithGroupKey(DpsEmulator dps, String registrationId, String groupKeyBase64)
      throws Exception;

  /** Registers with an X.509 identity: a TLS client certificate whose CN is the registration ID. */
  Outcome registerWithCertificate(DpsEmulator dps, DeviceCertificates.Identity device) throws Exception;
}
