'use strict';
// One registration through the official Node device SDK, as a device's provisioning step runs it:
// a fresh process, one device, then exit. Exit code 0 when the device is assigned.
//
// node provision.js http|mqtt HOST ID_SCOPE symmetric REGISTRATION_ID KEY_FILE
// node provision.js http|mqtt HOST ID_SCOPE x509 CHAIN_PEM KEY_PEM
// node provision.js http HOST ID_SCOPE tpm SWTPM_PORT
// The SDK dials the standard ports (443, 8883) of HOST; the emulator's CA comes from
// NODE_EXTRA_CA_CERTS, as for any Node program.

const fs = require('fs');
const { ProvisioningDeviceClient } = require('azure-iot-provisioning-device');

const [transport, host, idScope, type, arg1, arg2] = process.argv.slice(2);

function securityClient() {
  switch (type) {
    case 'symmetric': {
      const { SymmetricKeySecurityClient } = require('azure-iot-security-symmetric-key');
      return new SymmetricKeySecurityClient(arg1, fs.readFileSync(arg2, 'utf8').trim());
    }
    case 'x509': {
      const { X509Security } = require('azure-iot-security-x509');
      const cert = fs.readFileSync(arg1, 'utf8');
      const cn = new (require('crypto').X509Certificate)(cert).subject.match(/CN=([^\n]+)/)[1];
      return new X509Security(cn, { cert, key: fs.readFileSync(arg2, 'utf8') });
    }
    case 'tpm': {
      // swtpm serves TPM commands in the simulator's framing (tss.js's TRM mode) but not the
      // simulator's platform signals, so the SDK's TPM client gets a TRM-mode TCP device.
      const tss = require('tss.js');
      const { TpmTcpDevice } = require('tss.js/lib/TpmDevice.js');
      const { TpmSecurityClient } = require('azure-iot-security-tpm');
      const tpm = new tss.Tpm(false);
      tpm.device = new TpmTcpDevice('127.0.0.1', Number(arg1), true);
      return new TpmSecurityClient(undefined, tpm);
    }
    default:
      throw new Error('symmetric, x509 or tpm: ' + type);
  }
}

const newTransport = transport === 'mqtt'
  ? () => new (require('azure-iot-provisioning-device-mqtt').Mqtt)()
  : () => new (require('azure-iot-provisioning-device-http').Http)();
const client = ProvisioningDeviceClient.create(host, idScope, newTransport(), securityClient());
client.register((err, result) => {
  if (err) {
    console.error('registration failed: ' + (err.message || err));
    process.exit(1);
  }
  const state = result.registrationState !== undefined ? result.registrationState : result;
  console.log(state.status + ' ' + state.assignedHub);
  process.exit(state.status === 'assigned' ? 0 : 1);
});
