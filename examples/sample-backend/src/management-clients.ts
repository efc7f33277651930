/**
 * Pushes to a client through the gateway's `@connections` API with the AWS SDK: one cached
 * ApiGatewayManagementApiClient per management URL, the SDK loaded on first use.
 */
import type * as AwsSdk from '@aws-sdk/client-apigatewaymanagementapi';

export interface ManagementCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface ManagementClientsOptions {
  /**
   * Credentials the SDK signs with (SigV4). Switchboard accepts any unless it is set to verify them.
   * @default { accessKeyId: 'switchboard', secretAccessKey: 'switchboard' }
   */
  credentials?: ManagementCredentials;
  /**
   * Region in the SigV4 scope; the SDK needs one even when `endpoint` is set.
   * @default 'us-east-1'
   */
  region?: string;
}

export const DEFAULT_CREDENTIALS: ManagementCredentials = {
  accessKeyId: 'switchboard',
  secretAccessKey: 'switchboard',
};
export const DEFAULT_REGION = 'us-east-1';

type Sdk = typeof AwsSdk;

export class ManagementClients {
  readonly #credentials: ManagementCredentials;
  readonly #region: string;
  readonly #clients = new Map<string, AwsSdk.ApiGatewayManagementApiClient>();
  #sdk: Promise<Sdk> | undefined;

  constructor(options: ManagementClientsOptions = {}) {
    this.#credentials = options.credentials ?? DEFAULT_CREDENTIALS;
    this.#region = options.region ?? DEFAULT_REGION;
  }

  /** Start loading the SDK, so that the first push does not pay for it. */
  preload(): void {
    this.#loadSdk().catch(() => {
      // The push that needs the SDK reports the failure.
    });
  }

  /** `POST {endpoint}/@connections/{connectionId}` with `data` as the body. Rejects with the SDK's error. */
  async postToConnection(endpoint: string, connectionId: string, data: string): Promise<void> {
    const sdk = await this.#loadSdk();
    const key = endpoint.replace(/\/+$/, '');
    let client = this.#clients.get(key);
    if (client === undefined) {
      client = new sdk.ApiGatewayManagementApiClient({
        endpoint: key,
        region: this.#region,
        credentials: this.#credentials,
        requestHandler: { connectionTimeout: 5_000, requestTimeout: 10_000 },
      });
      this.#clients.set(key, client);
    }
    await client.send(new sdk.PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
  }

  /** Close every client's keep-alive sockets. A later push creates a fresh client. */
  destroy(): void {
    for (const client of this.#clients.values()) client.destroy();
    this.#clients.clear();
  }

  #loadSdk(): Promise<Sdk> {
    this.#sdk ??= import('@aws-sdk/client-apigatewaymanagementapi');
    return this.#sdk;
  }
}
