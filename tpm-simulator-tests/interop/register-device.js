'use strict';
// Registers one device through the official Node device SDK (azure-iot-provisioning-device) and
// reports the registration state the SDK returned.
//
// stdin: {
//   "transport": "http" | "mqtt",
//   "provisioningHost": "127.10.20.30",        // bare host: the SDK dials 443 (http) / 8883 (mqtt)
//   "idScope": "0ne...", "registrationId": "dev-1", "timeoutSeconds": 30,
//   "attestation": {"type": "symmetricKey", "key": "<base64>"}
//                | {"type": "symmetricKey", "groupKey": "<base64>"}   // derives the device key here
//                | {"type": "x509", "certPem": "<leaf [+ chain]>", "keyPem": "<PKCS#8 or SEC1>"}
// }
// stdout: {"ok":true,"result":{status,assignedHub,deviceId,registrationId,substatus}} or {"ok":false,"error":{...}}
// The server's CA comes from NODE_EXTRA_CA_CERTS, as for any Node program.

const crypto = require('crypto');
const { ProvisioningDeviceClient } = require('azure-iot-provisioning-device');
const { run, requireField } = require('./lib/harness');

const TRANSPORTS = {
  http: () => new (require('azure-iot-provisioning-device-http').Http)(),
  mqtt: () => new (require('azure-iot-provisioning-device-mqtt').Mqtt)(),
};

// How the SDK documentation derives a device key from an enrollment group key.
function deriveDeviceKey(groupKeyBase64, registrationId) {
  return crypto.createHmac('SHA256', Buffer.from(groupKeyBase64, 'base64'))
    .update(registrationId, 'utf8')
    .digest('base64');
}

function securityClient(attestation, registrationId) {
  switch (attestation.type) {
    case 'symmetricKey': {
      const { SymmetricKeySecurityClient } = require('azure-iot-security-symmetric-key');
      const key = attestation.groupKey !== undefined
        ? deriveDeviceKey(attestation.groupKey, registrationId)
        : requireField(attestation, 'key');
      return new SymmetricKeySecurityClient(registrationId, key);
    }
    case 'x509': {
      const { X509Security } = require('azure-iot-security-x509');
      return new X509Security(registrationId, {
        cert: requireField(attestation, 'certPem'),
        key: requireField(attestation, 'keyPem'),
      });
    }
    default:
      throw new Error('unknown attestation type: ' + attestation.type);
  }
}

run((request) => {
  const newTransport = TRANSPORTS[request.transport];
  if (!newTransport) {
    throw new Error('unknown transport: ' + request.transport);
  }
  const registrationId = requireField(request, 'registrationId');
  const client = ProvisioningDeviceClient.create(
    requireField(request, 'provisioningHost'),
    requireField(request, 'idScope'),
    newTransport(),
    securityClient(requireField(request, 'attestation'), registrationId));
  return new Promise((resolve, reject) => {
    client.register((err, result) => {
      if (err) {
        reject(err);
        return;
      }
      resolve({
        status: result.status,
        assignedHub: result.assignedHub,
        deviceId: result.deviceId,
        registrationId: result.registrationId,
        substatus: result.substatus,
      });
    });
  });
});
