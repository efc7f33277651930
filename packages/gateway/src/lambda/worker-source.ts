/**
 * The code a Lambda worker thread runs: it makes the provided AWS SDK resolvable and redirects
 * management API calls (when asked to), imports the handler module, builds an AWS-shaped context
 * for each invocation and calls `handler(event, context[, callback])`, async or callback style.
 * It is kept as a source string and started with `new Worker(source, { eval: true })`, so the same
 * code runs from the TypeScript sources (tests) and from `dist/` with no separate file to locate.
 */
import { MANAGEMENT_REDIRECT_SOURCE } from './management-redirect-source.js';
import { PROVIDED_SDK_SOURCE } from './provided-sdk-source.js';

/**
 * Messages: parent → worker `{ type: 'invoke', requestId, event, deadline }`; worker → parent
 * `{ type: 'ready' }`, `{ type: 'init-error', error }`, `{ type: 'result', requestId, json }` and
 * `{ type: 'error', requestId, error }`, where `error` is `{ errorType, errorMessage, trace }` as
 * Lambda reports it and `json` is the JSON text of the result (`null` for undefined).
 * `workerData.providedSdkFrom` (a file URL) and `workerData.managementRedirect` are optional;
 * `workerData.esModule` says whether the handler is an ES module (which needs the resolve hook).
 * A module the handler imports that cannot be found fails the init with `Runtime.ImportModuleError`
 * and Node's message prefixed with `Error: `, as the Lambda runtime reports it.
 */
export const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
${PROVIDED_SDK_SOURCE}
${MANAGEMENT_REDIRECT_SOURCE}

function describe(error) {
  if (error instanceof Error) {
    return { errorType: error.name || 'Error', errorMessage: error.message, trace: String(error.stack || '').split('\n') };
  }
  if (typeof error === 'string') return { errorType: 'string', errorMessage: error, trace: [] };
  let text;
  try { text = JSON.stringify(error); } catch { text = String(error); }
  return { errorType: typeof error, errorMessage: text === undefined ? String(error) : text, trace: [] };
}

function importModuleError(error) {
  const notFound = error instanceof Error && (error.code === 'MODULE_NOT_FOUND' || error.code === 'ERR_MODULE_NOT_FOUND');
  if (!notFound) return error;
  const reported = new Error('Error: ' + error.message);
  reported.name = 'Runtime.ImportModuleError';
  reported.stack = 'Runtime.ImportModuleError: ' + reported.message + '\n' + String(error.stack || '').split('\n').slice(1).join('\n');
  return reported;
}

async function load() {
  if (workerData.providedSdkFrom) installProvidedSdk(workerData.providedSdkFrom, workerData.esModule);
  if (workerData.managementRedirect) installManagementRedirect(workerData.managementRedirect);
  let mod;
  try {
    mod = await import(pathToFileURL(workerData.modulePath).href);
  } catch (error) {
    throw importModuleError(error);
  }
  let fn = mod[workerData.exportName];
  if (typeof fn !== 'function' && mod.default !== null && typeof mod.default === 'object') fn = mod.default[workerData.exportName];
  if (typeof fn !== 'function') {
    const error = new Error(workerData.handler + ' is undefined or not exported');
    error.name = 'Runtime.HandlerNotFound';
    throw error;
  }
  return fn;
}

function call(fn, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error, result) => {
      if (settled) return;
      settled = true;
      if (error !== null && error !== undefined) reject(error);
      else resolve(result);
    };
    context.done = finish;
    context.succeed = (result) => finish(null, result);
    context.fail = (error) => finish(error === undefined || error === null ? new Error('handled') : error);
    try {
      const out = fn(event, context, finish);
      if (out !== null && typeof out === 'object' && typeof out.then === 'function') {
        out.then((result) => finish(null, result), (error) => finish(error === undefined || error === null ? new Error('rejected') : error));
      } else if (fn.length < 3) {
        finish(null, out);
      }
    } catch (error) {
      finish(error);
    }
  });
}

load().then(
  (fn) => {
    parentPort.on('message', (message) => {
      if (message.type !== 'invoke') return;
      const { requestId, event, deadline } = message;
      const context = {
        callbackWaitsForEmptyEventLoop: true,
        functionName: workerData.functionName,
        functionVersion: '$LATEST',
        invokedFunctionArn: workerData.functionArn,
        memoryLimitInMB: String(workerData.memoryMb),
        awsRequestId: requestId,
        logGroupName: '/aws/lambda/' + workerData.functionName,
        logStreamName: workerData.logStreamName,
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      };
      process.env._X_AMZN_TRACE_ID = message.traceId;
      call(fn, event, context).then(
        (result) => {
          let json;
          try {
            json = JSON.stringify(result === undefined ? null : result);
          } catch (error) {
            parentPort.postMessage({ type: 'error', requestId, error: describe(error) });
            return;
          }
          parentPort.postMessage({ type: 'result', requestId, json });
        },
        (error) => parentPort.postMessage({ type: 'error', requestId, error: describe(error) }),
      );
    });
    parentPort.postMessage({ type: 'ready' });
  },
  (error) => parentPort.postMessage({ type: 'init-error', error: describe(error) }),
);
`;
