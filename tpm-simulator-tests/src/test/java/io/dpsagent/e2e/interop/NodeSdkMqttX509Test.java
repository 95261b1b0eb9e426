package io.dpsagent.e2e.interop;

/** azure-iot-provisioning-device + -mqtt + azure-iot-security-x509 against the emulator. */
class NodeSdkMqttX509Test extends X509DeviceSdkContract {
  @Override
  DeviceSdk sdk() {
    return NodeDeviceSdk.mqtt();
  }
}
