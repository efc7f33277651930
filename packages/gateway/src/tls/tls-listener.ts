/**
 * TLS for the listeners: reads the PEM certificate and key once at startup (a clear SWB_ERR_TLS when
 * they are unusable) and makes HTTPS servers (TLS 1.2 or newer) in place of plain HTTP ones.
 */
import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createSecureContext, type SecureVersion } from 'node:tls';
import type { TlsConfig } from '../config/tls.js';
import { GatewayError } from '../errors.js';

export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly minVersion: SecureVersion;
}

export interface ListenerTls {
  /** For the client listener (`wss://`); undefined serves plain `ws://`. */
  readonly client: TlsMaterial | undefined;
  /** For the admin listener (`https://`); undefined serves plain `http://`. */
  readonly admin: TlsMaterial | undefined;
}

/** Reads the certificate and key of `config`; throws SWB_ERR_TLS naming the file when they are unusable. */
export function loadListenerTls(config: TlsConfig): ListenerTls {
  if (config.certFile === undefined || config.keyFile === undefined)
    return { client: undefined, admin: undefined };
  const cert = readPem(config.certFile, 'certificate');
  const key = readPem(config.keyFile, 'key');
  try {
    createSecureContext({ cert, key, minVersion: config.minVersion });
  } catch (error) {
    throw new GatewayError(
      'SWB_ERR_TLS',
      `tls: ${config.certFile} and ${config.keyFile} cannot be used together: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const material: TlsMaterial = { cert, key, minVersion: config.minVersion };
  return {
    client: config.listeners === 'admin' ? undefined : material,
    admin: config.listeners === 'client' ? undefined : material,
  };
}

function readPem(file: string, what: string): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (error) {
    throw new GatewayError(
      'SWB_ERR_TLS',
      `tls: cannot read the ${what} file ${file}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (!content.includes('-----BEGIN '))
    throw new GatewayError('SWB_ERR_TLS', `tls: ${file} is not a PEM ${what}`);
  return content;
}

/** A listener factory: HTTPS with `tls`, plain HTTP without. Both are `http.Server`s to the caller. */
export function listenerFactory(
  tls: TlsMaterial | undefined,
): (handler: (request: IncomingMessage, response: ServerResponse) => void) => Server {
  if (tls === undefined) return (handler) => createHttpServer(handler);
  return (handler) =>
    createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: tls.minVersion }, handler);
}
