package io.dpsagent.e2e.interop;

/**
 * azure-iot-provisioning-device + -mqtt + azure-iot-security-symmetric-key against the emulator.
 */
class NodeSdkMqttSymmetricKeyTest extends SymmetricKeyDeviceSdkContract {
  @Override
  DeviceSdk sdk() {
    return NodeDeviceSdk.mqtt();
  }
}
