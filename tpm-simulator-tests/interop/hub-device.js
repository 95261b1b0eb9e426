'use strict';
// Connects to an IoT hub through the official Node device SDK (azure-iot-device over
// azure-iot-device-mqtt) with a device connection string exactly as the agent wrote it, reads the
// twin's desired properties and sends one telemetry message.
//
// stdin: {"connectionString": "HostName=...;DeviceId=...;SharedAccessKey=...", "timeoutSeconds": 30,
//         "message": {...}}
// stdout: {"ok":true,"result":{"desired":{...}}} or {"ok":false,"error":{...}}
// The hub's CA comes from NODE_EXTRA_CA_CERTS, as for any Node program; the SDK dials HostName:8883.

const { Client, Message } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const { run, requireField } = require('./lib/harness');

function call(fn) {
  return new Promise((resolve, reject) => fn((err, result) => (err ? reject(err) : resolve(result))));
}

run(async (request) => {
  const client = Client.fromConnectionString(requireField(request, 'connectionString'), Mqtt);
  await call((done) => client.open(done));
  try {
    const twin = await call((done) => client.getTwin(done));
    await call((done) => client.sendEvent(new Message(JSON.stringify(request.message || {})), done));
    return { desired: twin.properties.desired };
  } finally {
    await call((done) => client.close(done)).catch(() => {});
  }
});
