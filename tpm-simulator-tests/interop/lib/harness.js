'use strict';
// The contract between a JUnit test and one SDK run: the request is one JSON document on stdin (so
// keys never appear in a process listing), the outcome is exactly one JSON line on stdout, and the
// exit code says which kind of outcome it is. Diagnostics go to stderr only.

const EXIT_OK = 0;
const EXIT_SDK_ERROR = 1; // the SDK reported an error; stdout describes it
const EXIT_HARNESS_ERROR = 2; // bad request or a bug in the script itself
const EXIT_TIMEOUT = 3; // the SDK did not call back within the request's timeoutSeconds

function readRequest() {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => { text += chunk; });
    process.stdin.on('error', reject);
    process.stdin.on('end', () => {
      try {
        resolve(JSON.parse(text));
      } catch (e) {
        reject(new Error('stdin is not one JSON document: ' + e.message));
      }
    });
  });
}

function emit(outcome, exitCode) {
  process.stdout.write(JSON.stringify(outcome) + '\n', () => process.exit(exitCode));
}

function requireField(request, name) {
  if (request[name] === undefined || request[name] === null || request[name] === '') {
    throw new Error('request field "' + name + '" is missing');
  }
  return request[name];
}

// The status DPS answered a failed call with, wherever this SDK's layers put it: the HTTP
// response, or (MQTT) the response topic $dps/registrations/res/<status>/?$rid=...
function statusOf(err) {
  for (const c of [err.response, err.transportObject]) {
    if (c && typeof c.statusCode === 'number') {
      return c.statusCode;
    }
    const topic = c && typeof c.topic === 'string' ? /^\$dps\/registrations\/res\/(\d{3})\//.exec(c.topic) : null;
    if (topic) {
      return Number(topic[1]);
    }
  }
  return typeof err.statusCode === 'number' ? err.statusCode : null;
}

// The DPS error body of a failed call, if the SDK kept it (never contains key material).
function errorBodyOf(err) {
  const body = err.responseBody !== undefined ? err.responseBody : err.result;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body);
    } catch (e) {
      return body;
    }
  }
  return body === undefined ? null : body;
}

function describeError(err) {
  return {
    name: err && err.constructor ? err.constructor.name : typeof err,
    message: err && err.message !== undefined ? String(err.message) : String(err),
    httpStatus: err ? statusOf(err) : null,
    body: err ? errorBodyOf(err) : null,
  };
}

/**
 * Runs `action(request)` (a function returning a promise of a JSON-able result) under the request's
 * timeoutSeconds and reports its outcome on stdout.
 */
function run(action) {
  readRequest()
    .then((request) => {
      const timeoutSeconds = Number(request.timeoutSeconds || 30);
      const timer = setTimeout(() => {
        emit({ ok: false, error: { name: 'Timeout', message: 'no answer within ' + timeoutSeconds + ' s' } }, EXIT_TIMEOUT);
      }, timeoutSeconds * 1000);
      let started;
      try {
        started = Promise.resolve(action(request));
      } catch (e) {
        started = Promise.reject(e);
      }
      return started.then(
        (result) => { clearTimeout(timer); emit({ ok: true, result: result }, EXIT_OK); },
        (err) => { clearTimeout(timer); emit({ ok: false, error: describeError(err) }, EXIT_SDK_ERROR); });
    })
    .catch((err) => {
      process.stderr.write('harness error: ' + (err && err.stack ? err.stack : err) + '\n');
      emit({ ok: false, error: { name: 'HarnessError', message: String(err && err.message) } }, EXIT_HARNESS_ERROR);
    });
}

module.exports = { run, requireField };
