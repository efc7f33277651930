/**
 * Mapping single resources of a template into configuration entries: Lambda functions, integrations
 * and stage settings (throttling, access logs), with the warnings for what cannot be used locally.
 */
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { templateError } from './intrinsics.js';

export type Properties = Record<string, unknown>;

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A template value as text: strings as they are, numbers and booleans printed, anything else as JSON. */
export function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return `${value}`;
  return value === undefined ? '' : JSON.stringify(value);
}

export function serviceOf(type: string): string {
  const [, service] = type.split('::');
  return (service ?? 'unknown').toLowerCase();
}

export function mergeEnvironment(global: unknown, own: unknown): unknown {
  const variables = (value: unknown) =>
    isObject(value) && isObject(value['Variables']) ? value['Variables'] : {};
  if (global === undefined) return own;
  return { Variables: { ...variables(global), ...variables(own) } };
}

/** A Lambda function as `functions.<id>`, or undefined (with a warning) when it cannot run here. */
export function mapFunction(
  fn: { id: string; type: string; props: Properties },
  baseDir: string,
  warnings: string[],
): Record<string, unknown> | undefined {
  const where = `${fn.id} (${fn.type})`;
  const runtime = typeof fn.props['Runtime'] === 'string' ? fn.props['Runtime'] : 'nodejs20.x';
  if (!runtime.startsWith('nodejs')) {
    warnings.push(
      `${where}: Runtime ${runtime} cannot run locally (only Node.js handlers do); routes that use it fail`,
    );
    return undefined;
  }
  const handler = fn.props['Handler'];
  if (typeof handler !== 'string') throw templateError(`${fn.id}.Handler`, 'a function needs a Handler');
  let codeDir: string | undefined;
  const code = fn.type === 'AWS::Lambda::Function' ? fn.props['Code'] : fn.props['CodeUri'];
  if (typeof code === 'string') codeDir = code;
  else if (isObject(code) && typeof code['ZipFile'] === 'string')
    warnings.push(`${where}: inline Code.ZipFile is not supported; put the code in a folder and use CodeUri`);
  else if (code === undefined && fn.props['InlineCode'] === undefined) codeDir = '.';
  else
    warnings.push(
      `${where}: code in S3 (${JSON.stringify(code ?? fn.props['InlineCode'])}) cannot run locally; use a local CodeUri folder`,
    );
  if (codeDir === undefined) return undefined;
  if (/^s3:\/\//.test(codeDir)) {
    warnings.push(`${where}: CodeUri ${codeDir} is in S3 and cannot run locally; use a local folder`);
    return undefined;
  }
  const entry: Record<string, unknown> = {
    codeDir: isAbsolute(codeDir) ? codeDir : resolvePath(baseDir, codeDir),
    handler,
    runtime,
  };
  if (typeof fn.props['FunctionName'] === 'string') entry['functionName'] = fn.props['FunctionName'];
  const environment = fn.props['Environment'];
  if (isObject(environment) && isObject(environment['Variables']))
    entry['environment'] = Object.fromEntries(
      Object.entries(environment['Variables']).map(([k, v]) => [k, text(v)]),
    );
  if (fn.props['Timeout'] !== undefined) entry['timeoutMs'] = Math.round(Number(fn.props['Timeout']) * 1000);
  if (fn.props['MemorySize'] !== undefined) entry['memoryMb'] = Number(fn.props['MemorySize']);
  return entry;
}

export function mapIntegration(
  integration: { id: string; props: Properties },
  functionFor: (uri: string) => string | undefined,
  warnings: string[],
): Record<string, unknown> {
  const where = `${integration.id} (AWS::ApiGatewayV2::Integration)`;
  const props = integration.props;
  const type = text(props['IntegrationType'] ?? '');
  const entry: Record<string, unknown> = { type };
  const uri = props['IntegrationUri'] === undefined ? undefined : text(props['IntegrationUri']);
  switch (type) {
    case 'HTTP_PROXY':
    case 'HTTP':
      if (uri === undefined)
        throw templateError(
          `${integration.id}.IntegrationUri`,
          `an ${type} integration needs IntegrationUri`,
        );
      entry['uri'] = uri;
      break;
    case 'AWS_PROXY': {
      if (uri === undefined)
        throw templateError(
          `${integration.id}.IntegrationUri`,
          'an AWS_PROXY integration needs IntegrationUri',
        );
      const fn = functionFor(uri);
      if (fn !== undefined) entry['function'] = fn;
      else if (/^https?:\/\//.test(uri)) entry['uri'] = uri;
      else
        throw templateError(
          `${integration.id}.IntegrationUri`,
          `"${uri}" names no Lambda function of this template (and is not an http(s) URL for the event POST)`,
        );
      break;
    }
    case 'MOCK':
      break;
    case 'AWS':
      throw templateError(
        `${integration.id}.IntegrationType`,
        'AWS (non-proxy AWS service) integrations are not supported; use AWS_PROXY, HTTP, HTTP_PROXY or MOCK',
      );
    default:
      throw templateError(`${integration.id}.IntegrationType`, `unknown IntegrationType "${type}"`);
  }
  if (typeof props['IntegrationMethod'] === 'string') entry['method'] = props['IntegrationMethod'];
  if (props['TimeoutInMillis'] !== undefined) entry['timeoutMs'] = Number(props['TimeoutInMillis']);
  if (isObject(props['RequestParameters']))
    entry['requestParameters'] = Object.fromEntries(
      Object.entries(props['RequestParameters']).map(([k, v]) => [k, text(v)]),
    );
  if (isObject(props['RequestTemplates'])) entry['requestTemplates'] = props['RequestTemplates'];
  if (typeof props['TemplateSelectionExpression'] === 'string')
    entry['templateSelectionExpression'] = props['TemplateSelectionExpression'];
  if (typeof props['PassthroughBehavior'] === 'string')
    entry['passthroughBehavior'] = props['PassthroughBehavior'];
  if (typeof props['ContentHandlingStrategy'] === 'string')
    entry['contentHandlingStrategy'] = props['ContentHandlingStrategy'];
  if (props['ConnectionType'] === 'VPC_LINK')
    warnings.push(`${where}: ConnectionType VPC_LINK is not supported; IntegrationUri is called directly`);
  return entry;
}

/** Stage throttling (DefaultRouteSettings, RouteSettings) and AccessLogSettings into B's sections. */
export function mapStageSettings(
  stage: { id: string; props: Properties },
  config: Record<string, unknown>,
  warnings: string[],
): void {
  const bucket = (settings: unknown): Record<string, number> | undefined => {
    if (!isObject(settings)) return undefined;
    const out: Record<string, number> = {};
    if (settings['ThrottlingRateLimit'] !== undefined)
      out['rateLimit'] = Number(settings['ThrottlingRateLimit']);
    if (settings['ThrottlingBurstLimit'] !== undefined)
      out['burstLimit'] = Number(settings['ThrottlingBurstLimit']);
    for (const key of Object.keys(settings)) {
      if (
        key !== 'ThrottlingRateLimit' &&
        key !== 'ThrottlingBurstLimit' &&
        key !== 'DataTraceEnabled' &&
        key !== 'DetailedMetricsEnabled' &&
        key !== 'LoggingLevel'
      ) {
        warnings.push(
          `${stage.id} (AWS::ApiGatewayV2::Stage): route setting ${key} is not supported and is ignored`,
        );
      }
    }
    return Object.keys(out).length === 0 ? undefined : out;
  };
  const throttling: Record<string, unknown> = {};
  const messages = bucket(stage.props['DefaultRouteSettings']);
  if (messages !== undefined) throttling['messages'] = messages;
  if (isObject(stage.props['RouteSettings'])) {
    const routes: Record<string, unknown> = {};
    for (const [routeKey, settings] of Object.entries(stage.props['RouteSettings'])) {
      const routeBucket = bucket(settings);
      if (routeBucket !== undefined) routes[routeKey] = routeBucket;
    }
    if (Object.keys(routes).length > 0) throttling['routes'] = routes;
  }
  if (Object.keys(throttling).length > 0) config['throttling'] = throttling;
  const access = stage.props['AccessLogSettings'];
  if (isObject(access) && typeof access['Format'] === 'string') {
    config['accessLog'] = { format: access['Format'] };
    if (access['DestinationArn'] !== undefined)
      warnings.push(
        `${stage.id} (AWS::ApiGatewayV2::Stage): AccessLogSettings.DestinationArn is not supported; access logs go to stdout (accessLog.destination)`,
      );
  }
}
