package io.dpsagent.e2e.interop;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;

/**
 * provisioning-device-client over MQTT_WS (wss://host:443) with SecurityProviderSymmetricKey,
 * against an emulator whose only port 443 listener is its HTTPS device port and whose 8883 is
 * closed.
 */
class JavaSdkMqttWsSymmetricKeyTest extends SymmetricKeyDeviceSdkContract {
  @Override
  DeviceSdk sdk() {
    return new JavaDeviceSdk(ProvisioningDeviceClientTransportProtocol.MQTT_WS);
  }
}
