package io.dpsagent.e2e.interop;

/**
 * azure-iot-provisioning-device + -http + azure-iot-security-symmetric-key against the emulator.
 */
class NodeSdkHttpsSymmetricKeyTest extends SymmetricKeyDeviceSdkContract {
  @Override
  DeviceSdk sdk() {
    return NodeDeviceSdk.http();
  }
}
