/**
 * Worker code (a source string, see worker-source.ts) that sends a handler's HTTPS calls to the API
 * Gateway management endpoint names (`https://{apiId}.execute-api.{region}.amazonaws.com`,
 * `https://{domainName}`) to this gateway's management listener instead, so that an unchanged
 * `ApiGatewayManagementApiClient` reaches it. It wraps `https.request` and `https.get` (what the AWS
 * SDK's Node.js HTTP handler, and most HTTP libraries, call) and keeps the method, path, headers and
 * body as they are: the `Host` header still names the AWS host, so a SigV4 signature verifies.
 */

/** Where a worker's management calls go: the names it redirects and the listener they reach. */
export interface ManagementRedirect {
  /** Host names (lower case) whose `https://` requests on port 443 are redirected. */
  readonly hosts: readonly string[];
  /** Origin of the gateway's management listener, e.g. `http://127.0.0.1:8081`. */
  readonly target: string;
}

/**
 * Defines `installManagementRedirect(redirect)`. A TLS management listener is reached over TLS
 * without checking its certificate: the connection goes to the gateway's own listener, whose
 * address the gateway itself gave, not to the host the handler named.
 */
export const MANAGEMENT_REDIRECT_SOURCE = String.raw`
function installManagementRedirect(redirect) {
  const http = require('node:http');
  const https = require('node:https');
  const { syncBuiltinESMExports } = require('node:module');
  const { urlToHttpOptions } = require('node:url');
  const hosts = new Set(redirect.hosts);
  const target = new URL(redirect.target);
  const secure = target.protocol === 'https:';
  const httpsRequest = https.request;
  const agent = secure
    ? new https.Agent({ keepAlive: true, rejectUnauthorized: false })
    : new http.Agent({ keepAlive: true });
  const send = secure ? httpsRequest : http.request;

  // The options of the redirected request and the rest of the arguments, or undefined when the
  // call is not for a redirected host.
  function redirected(args) {
    let options;
    let rest;
    if (typeof args[0] === 'string' || args[0] instanceof URL) {
      const url = urlToHttpOptions(new URL(args[0]));
      const given = args[1] !== null && typeof args[1] === 'object' ? args[1] : undefined;
      options = { ...url, ...given };
      rest = args.slice(given === undefined ? 1 : 2);
    } else {
      options = { ...args[0] };
      rest = args.slice(1);
    }
    const host = String(options.hostname || options.host || 'localhost').replace(/^\[(.*)\]$/, '$1').toLowerCase();
    const port = Number(options.port || options.defaultPort || 443);
    if (port !== 443 || !hosts.has(host)) return undefined;
    const headers = Array.isArray(options.headers) ? options.headers : { ...options.headers };
    if (!Array.isArray(headers) && !Object.keys(headers).some((name) => name.toLowerCase() === 'host')) headers.host = host;
    for (const name of ['agent', 'createConnection', 'defaultPort', 'host', 'servername', '_defaultAgent', 'socketPath'])
      delete options[name];
    return {
      options: { ...options, protocol: target.protocol, hostname: target.hostname.replace(/^\[(.*)\]$/, '$1'), port: target.port || (secure ? 443 : 80), headers, agent },
      rest,
    };
  }

  https.request = function request(...args) {
    const call = redirected(args);
    return call === undefined ? httpsRequest.apply(this, args) : send(call.options, ...call.rest);
  };
  https.get = function get(...args) {
    const request = https.request(...args);
    request.end();
    return request;
  };
  // ESM handlers that imported { request } from 'node:https' see the wrapped functions too.
  syncBuiltinESMExports();
}
`;

/** The API's identity, as `api` in the configuration has it. */
export interface ManagedApi {
  readonly apiId: string;
  readonly region: string;
  readonly domainName: string;
}

/**
 * The host names a handler reaches the management API of `api` by on AWS:
 * `{apiId}.execute-api.{region}.amazonaws.com` and the API's `domainName`, in lower case.
 */
export function managementHosts(api: ManagedApi): string[] {
  const hosts = [`${api.apiId}.execute-api.${api.region}.amazonaws.com`, api.domainName];
  return [...new Set(hosts.map((host) => host.toLowerCase()))];
}
