package io.dpsagent.e2e.interop;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;

/** provisioning-device-client over MQTT with SecurityProviderSymmetricKey against the emulator. */
class JavaSdkMqttSymmetricKeyTest extends SymmetricKeyDeviceSdkContract {
  @Override
  DeviceSdk sdk() {
    return new JavaDeviceSdk(ProvisioningDeviceClientTransportProtocol.MQTT);
  }
}
