package io.dpsagent.e2e.interop;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;

/** provisioning-device-client over MQTT with SecurityProviderX509 against the emulator. */
class JavaSdkMqttX509Test extends X509DeviceSdkContract {
  @Override
  DeviceSdk sdk() {
    return new JavaDeviceSdk(ProvisioningDeviceClientTransportProtocol.MQTT);
  }
}
