'use strict';
// Registers one device through the official Node device SDK (azure-iot-provisioning-device) and
// reports the registration state the SDK returned.
//
// stdin: {
//   "transport": "http" | "mqtt" | "mqtt-ws",
//   "provisioningHost": "127.10.20.30",        // bare host: the SDK dials 443 (http, mqtt-ws) / 8883 (mqtt)
//   "idScope": "0ne...", "registrationId": "dev-1",   // not for tpm
//   "timeoutSeconds": 30,
//   "attestation": {"type": "symmetricKey", "key": "<base64>"}
//                | {"type": "symmetricKey", "groupKey": "<base64>"}   // derives the device key here
//                | {"type": "x509", "certPem": "<leaf [+ chain]>", "keyPem": "<PKCS#8 or SEC1>"}
//                | {"type": "tpm", "swtpmHost": "127.0.0.1", "swtpmPort": 2321}   // registration ID from the EK
// }
// stdout: {"ok":true,"result":{status,assignedHub,deviceId,registrationId,substatus}} or {"ok":false,"error":{...}}
// The server's CA comes from NODE_EXTRA_CA_CERTS, as for any Node program.

const crypto = require('crypto');
const { ProvisioningDeviceClient } = require('azure-iot-provisioning-device');
const { run, requireField } = require('./lib/harness');

const TRANSPORTS = {
  http: () => new (require('azure-iot-provisioning-device-http').Http)(),
  mqtt: () => new (require('azure-iot-provisioning-device-mqtt').Mqtt)(),
  // wss://<host>:443/$iothub/websocket: the HTTPS host and port, as DPS serves both on 443.
  'mqtt-ws': () => new (require('azure-iot-provisioning-device-mqtt').MqttWs)(),
};

// How the SDK documentation derives a device key from an enrollment group key.
function deriveDeviceKey(groupKeyBase64, registrationId) {
  return crypto.createHmac('SHA256', Buffer.from(groupKeyBase64, 'base64'))
    .update(registrationId, 'utf8')
    .digest('base64');
}

// The SDK's TPM client on swtpm's TPM command port. tss.js's own simulator mode (`new Tpm(true)`)
// also sends the Microsoft simulator's platform signals (power on, NV on) on the port above, which
// swtpm's control channel does not speak; its user-mode TRM mode (linuxTrm = true) sends only TPM
// commands in the simulator's framing, which swtpm serves. swtpm starts with Startup(CLEAR) done.
function tpmSecurityClient(attestation) {
  const tss = require('tss.js');
  const { TpmTcpDevice } = require('tss.js/lib/TpmDevice.js');
  const { TpmSecurityClient } = require('azure-iot-security-tpm');
  const tpm = new tss.Tpm(false);
  tpm.device = new TpmTcpDevice(attestation.swtpmHost || '127.0.0.1', requireField(attestation, 'swtpmPort'), true);
  return new TpmSecurityClient(undefined, tpm);
}

function securityClient(attestation, registrationId) {
  switch (attestation.type) {
    case 'tpm':
      return tpmSecurityClient(attestation);
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
  const attestation = requireField(request, 'attestation');
  // A TPM device's registration ID is derived from its EK by the SDK; the others are given one.
  const registrationId = attestation.type === 'tpm' ? undefined : requireField(request, 'registrationId');
  const client = ProvisioningDeviceClient.create(
    requireField(request, 'provisioningHost'),
    requireField(request, 'idScope'),
    newTransport(),
    securityClient(attestation, registrationId));
  return new Promise((resolve, reject) => {
    client.register((err, result) => {
      if (err) {
        reject(err);
        return;
      }
      // The TPM flow calls back with the whole operation reply ({operationId, status,
      // registrationState}); the symmetric-key and X.509 flows with its registrationState.
      const state = result.registrationState !== undefined ? result.registrationState : result;
      // Only these fields: the TPM state also carries the device key blob (tpm.authenticationKey).
      resolve({
        status: state.status,
        assignedHub: state.assignedHub,
        deviceId: state.deviceId,
        registrationId: state.registrationId,
        substatus: state.substatus,
      });
    });
  });
});
