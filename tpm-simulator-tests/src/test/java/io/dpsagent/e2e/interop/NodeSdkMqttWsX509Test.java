package io.dpsagent.e2e.interop;

/** azure-iot-provisioning-device + -mqtt's MqttWs + azure-iot-security-x509, on the HTTPS port. */
class NodeSdkMqttWsX509Test extends X509DeviceSdkContract {
  @Override
  DeviceSdk sdk() {
    return NodeDeviceSdk.mqttWs();
  }
}
