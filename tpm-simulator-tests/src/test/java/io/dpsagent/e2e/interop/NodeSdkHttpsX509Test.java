package io.dpsagent.e2e.interop;

/** azure-iot-provisioning-device + -http + azure-iot-security-x509 against the emulator. */
class NodeSdkHttpsX509Test extends X509DeviceSdkContract {
  @Override
  DeviceSdk sdk() {
    return NodeDeviceSdk.http();
  }
}
