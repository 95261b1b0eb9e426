'use strict';
// Calls the official Node service SDK (azure-iot-provisioning-service) against the emulator's
// service API, one call after another, and reports every answer.
//
// stdin: {
//   "connectionString": "HostName=127.10.20.30;SharedAccessKeyName=provisioningserviceowner;SharedAccessKey=...",
//   "timeoutSeconds": 30,
//   "calls": [
//     {"method": "createOrUpdateIndividualEnrollment", "args": [{"registrationId": "dev-1", "attestation": {...}}]},
//     {"method": "getIndividualEnrollment", "args": ["dev-1"]},
//     {"method": "createIndividualEnrollmentQuery", "args": [{"query": "*"}, 10]},   // pages are read to the end
//     {"method": "deleteDeviceRegistrationState", "args": ["dev-1"]},
//     {"method": "runBulkEnrollmentOperation", "args": [{"mode": "create", "enrollments": [...]}]}
//   ]
// }
// stdout: {"ok":true,"result":[{"method","httpStatus","body"}...]} or, at the first failing call,
//         (deletes resolve with nothing in this SDK: their httpStatus and body are null)
//         {"ok":false,"error":{...,"message":"call <i> (<method>): ..."}}
// The SDK dials port 443 of HostName (it takes no port), and trusts NODE_EXTRA_CA_CERTS.

const { ProvisioningServiceClient } = require('azure-iot-provisioning-service');
const { run, requireField } = require('./lib/harness');

// These settle only through a callback: their promise form never resolves.
const CALLBACK_ONLY = new Set(['runBulkEnrollmentOperation']);

// A query answers page by page; more pages than this means the server never ends the listing.
const MAX_QUERY_PAGES = 100;

async function readAllPages(query) {
  const items = [];
  let status = null;
  for (let page = 0; page < MAX_QUERY_PAGES && query.hasMoreResults; page++) {
    // Called without arguments, the promise form of next() sends no continuation token (only the
    // callback form reuses the stored one) and would read the first page forever.
    const answer = await query.next(query.continuationToken);
    status = answer.httpResponse ? answer.httpResponse.statusCode : status;
    items.push(...(answer.result || answer.responseBody || []));
  }
  if (query.hasMoreResults) {
    throw new Error('query still had more results after ' + MAX_QUERY_PAGES + ' pages');
  }
  return { httpStatus: status, body: items };
}

async function invoke(client, call) {
  const method = requireField(call, 'method');
  if (typeof client[method] !== 'function' || method.startsWith('_')) {
    throw new Error('ProvisioningServiceClient has no method ' + method);
  }
  if (CALLBACK_ONLY.has(method)) {
    return new Promise((resolve, reject) => {
      client[method](...(call.args || []), (err, result, response) => {
        if (err) {
          reject(err);
        } else {
          resolve({ httpStatus: response ? response.statusCode : null, body: result });
        }
      });
    });
  }
  const answer = client[method](...(call.args || []));
  if (method.endsWith('Query')) {
    return readAllPages(answer);
  }
  const settled = await answer;
  if (settled && settled.httpResponse) {
    return { httpStatus: settled.httpResponse.statusCode, body: settled.responseBody };
  }
  return { httpStatus: null, body: settled === undefined ? null : settled };
}

run(async (request) => {
  const client = ProvisioningServiceClient.fromConnectionString(requireField(request, 'connectionString'));
  const results = [];
  const calls = requireField(request, 'calls');
  for (let i = 0; i < calls.length; i++) {
    try {
      results.push({ method: calls[i].method, ...(await invoke(client, calls[i])) });
    } catch (err) {
      err.message = 'call ' + i + ' (' + calls[i].method + '): ' + err.message;
      throw err;
    }
  }
  return results;
});
