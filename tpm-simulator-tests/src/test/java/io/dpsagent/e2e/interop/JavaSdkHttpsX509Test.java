package io.dpsagent.e2e.interop;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;

/** provisioning-device-client over HTTPS with SecurityProviderX509 against the emulator. */
class JavaSdkHttpsX509Test extends X509DeviceSdkContract {
  @Override
  DeviceSdk sdk() {
    return new JavaDeviceSdk(ProvisioningDeviceClientTransportProtocol.HTTPS);
  }
}
