package io.dpsagent.e2e.interop;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;

/** provisioning-device-client over MQTT_WS with SecurityProviderX509, on the HTTPS port. */
class JavaSdkMqttWsX509Test extends X509DeviceSdkContract {
  @Override
  DeviceSdk sdk() {
    return new JavaDeviceSdk(ProvisioningDeviceClientTransportProtocol.MQTT_WS);
  }
}
