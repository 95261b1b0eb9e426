package io.dpsagent.e2e.interop;

/**
 * azure-iot-provisioning-device + -mqtt's MqttWs + azure-iot-security-symmetric-key, against an
 * emulator whose only port 443 listener is its HTTPS device port and whose 8883 is closed.
 */
class NodeSdkMqttWsSymmetricKeyTest extends SymmetricKeyDeviceSdkContract {
  @Override
  DeviceSdk sdk() {
    return NodeDeviceSdk.mqttWs();
  }
}
