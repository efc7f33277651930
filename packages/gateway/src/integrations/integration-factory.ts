/**
 * Builds the integration of each `integrations` entry by its `type` (HTTP_PROXY, HTTP, AWS_PROXY,
 * MOCK), wraps routes that have request models in validation, and owns the Lambda runner that
 * AWS_PROXY functions share (made only when one is configured).
 */
import { upstreamOrigins } from './upstreams/upstream-origins.js';
import type { Config, IntegrationConfig, RouteConfig } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import { LambdaRunner } from '../lambda/lambda-runner.js';
import { managementHosts } from '../lambda/management-redirect-source.js';
import { functionBaseEnv } from './function-environment.js';
import { AwsProxyIntegration } from './aws-proxy.js';
import { HttpProxyIntegration } from './http-proxy.js';
import { HttpTemplateIntegration } from './http-template.js';
import type { ApiIdentity, Integration } from './integration-event.js';
import { MappingTemplates } from './mapping-templates.js';
import { MockIntegration } from './mock.js';
import type { BackendPools } from './pools.js';
import { ModelValidators, ValidatedIntegration } from './request-validation.js';

export interface IntegrationFactoryOptions {
  readonly config: Config;
  readonly pools: BackendPools;
  readonly api: ApiIdentity;
  /** The host environment; `AWS_*` and a few basics are passed on to local Lambda functions. @default {} */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /**
   * Origin of the management listener as this host reaches it (`http://127.0.0.1:8081`), once it
   * listens: functions' calls to the API's management host names go there. @default no redirect
   */
  readonly managementOrigin?: (() => string | undefined) | undefined;
}

export class IntegrationFactory {
  readonly #options: IntegrationFactoryOptions;
  #runner: LambdaRunner | undefined;
  #models: ModelValidators | undefined;

  constructor(options: IntegrationFactoryOptions) {
    this.#options = options;
  }

  /** The shared Lambda runner, made on first use. */
  get runner(): LambdaRunner {
    if (this.#runner === undefined) {
      const { config, managementOrigin } = this.#options;
      const hosts = managementHosts(config.api);
      this.#runner = new LambdaRunner({
        region: config.api.region,
        baseEnv: functionBaseEnv(config, this.#options.env ?? {}),
        managementRedirect: () => {
          const target = managementOrigin?.();
          return target === undefined ? undefined : { hosts, target };
        },
      });
    }
    return this.#runner;
  }

  /** The integration for one `integrations` entry; throws a GatewayError for an unusable one. */
  create(name: string, integration: IntegrationConfig): Integration {
    const { config, pools, api } = this.#options;
    const common = {
      api,
      stageVariables: config.api.stageVariables,
      maxResponseBytes: config.limits.maxResponseBytes,
    };
    switch (integration.type) {
      case 'HTTP_PROXY':
        return new HttpProxyIntegration(integration, pools, { ...common, name });
      case 'HTTP':
        return new HttpTemplateIntegration(
          integration,
          new MappingTemplates(name, integration, api, config.api.stageVariables),
          pools.upstreams({
            integration: name,
            origins: upstreamOrigins(integration),
            settings: integration.upstream,
          }),
          common,
        );
      case 'MOCK':
        return new MockIntegration(
          name,
          new MappingTemplates(name, integration, api, config.api.stageVariables),
        );
      case 'AWS_PROXY': {
        const options = {
          api,
          timeoutMs: integration.timeoutMs,
          maxResponseBytes: config.limits.maxResponseBytes,
          batchSize: integration.batchSize,
          batchesInFlight: integration.batchesInFlight,
        };
        if (integration.function === undefined)
          return new AwsProxyIntegration(
            {
              kind: 'http',
              uri: integration.uri ?? '',
              upstreams: pools.upstreams({
                integration: name,
                origins: upstreamOrigins(integration),
                settings: integration.upstream,
              }),
            },
            options,
          );
        const fn = config.functions[integration.function];
        if (fn === undefined)
          throw new GatewayError(
            'SWB_ERR_CONFIG_INVALID',
            `integrations.${name}.function: unknown function "${integration.function}"`,
          );
        const { functionName, ...spec } = fn;
        return new AwsProxyIntegration(
          {
            kind: 'function',
            fn: { name: functionName ?? integration.function, ...spec },
            runner: this.runner,
          },
          options,
        );
      }
    }
  }

  /** The route's integration, validated against its request models when it has any. */
  forRoute(route: RouteConfig, integration: Integration): Integration {
    if (Object.keys(route.requestModels).length === 0) return integration;
    this.#models ??= new ModelValidators(this.#options.config.models);
    return new ValidatedIntegration(
      integration,
      route.modelSelectionExpression ?? '\\$default',
      route.requestModels,
      this.#models,
    );
  }

  /** Stops the Lambda runner's workers. */
  async close(): Promise<void> {
    await this.#runner?.close();
  }
}
