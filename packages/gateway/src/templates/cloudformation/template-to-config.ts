/**
 * Turns a CloudFormation or SAM template into Switchboard configuration input: the WebSocket
 * AWS::ApiGatewayV2 resources become `api`, `routes`, `integrations`, `models`, `authorizers`,
 * `throttling` and `accessLog`; Lambda functions become `functions` run locally. Resources the
 * gateway does not use are skipped with a note; unsupported properties give a warning.
 * @see docs/templates.md
 */
import { dirname, resolve as resolvePath } from 'node:path';
import { resolveValue, templateError, type ResolveContext } from './intrinsics.js';
import {
  isObject,
  mapFunction,
  mapIntegration,
  mapStageSettings,
  mergeEnvironment,
  serviceOf,
  text,
  type Properties,
} from './resource-mappers.js';
import { API, FUNCTION_TYPES, PROPERTIES } from './resource-properties.js';
import { mapTable, TABLE_TYPES } from './table-mapper.js';

export interface TemplateOptions {
  /** `--param Key=Value` values. @default {} */
  readonly parameters?: Readonly<Record<string, string>> | undefined;
  /** The template's path: CodeUri folders are relative to its folder. */
  readonly file: string;
  /** Region for `AWS::Region` and ARNs. @default "us-east-1" */
  readonly region?: string | undefined;
  /** Account id for `AWS::AccountId` and ARNs. @default "123456789012" */
  readonly accountId?: string | undefined;
  /** Stack name for `AWS::StackName`. @default "switchboard" */
  readonly stackName?: string | undefined;
}

export interface TemplateResult {
  /** Configuration input (not yet validated). */
  readonly config: Record<string, unknown>;
  /** Unsupported properties and values, each naming the resource and property. */
  readonly warnings: string[];
  /** What was skipped and why. */
  readonly notes: string[];
}

interface Resource {
  readonly id: string;
  readonly type: string;
  readonly raw: Record<string, unknown>;
}

/** Pseudo parameters and their local values. */
function pseudoParameters(options: TemplateOptions): Map<string, string | string[]> {
  const region = options.region ?? 'us-east-1';
  const account = options.accountId ?? '123456789012';
  const stack = options.stackName ?? 'switchboard';
  return new Map<string, string | string[]>([
    ['AWS::Region', region],
    ['AWS::AccountId', account],
    ['AWS::StackName', stack],
    [
      'AWS::StackId',
      `arn:aws:cloudformation:${region}:${account}:stack/${stack}/00000000-0000-0000-0000-000000000000`,
    ],
    ['AWS::Partition', 'aws'],
    ['AWS::URLSuffix', 'amazonaws.com'],
    ['AWS::NotificationARNs', []],
  ]);
}

/** Converts a parsed template; throws SWB_ERR_TEMPLATE_INVALID when it cannot be used. */
export function templateToConfig(template: unknown, options: TemplateOptions): TemplateResult {
  const file = options.file;
  if (!isObject(template) || !isObject(template['Resources']))
    throw templateError(file, 'a template needs a Resources mapping');
  const warnings: string[] = [];
  const notes: string[] = [];
  const region = options.region ?? 'us-east-1';
  const account = options.accountId ?? '123456789012';
  const baseDir = dirname(resolvePath(file));

  // Parameters: --param values, then defaults.
  const parameters = pseudoParameters(options);
  const declared = isObject(template['Parameters']) ? template['Parameters'] : {};
  const given = options.parameters ?? {};
  for (const name of Object.keys(given))
    if (!Object.hasOwn(declared, name))
      throw templateError(
        file,
        `--param ${name}: the template declares no parameter "${name}" (it declares: ${Object.keys(declared).join(', ') || 'none'})`,
      );
  for (const [name, spec] of Object.entries(declared)) {
    const definition = isObject(spec) ? spec : {};
    const value =
      given[name] ?? (definition['Default'] === undefined ? undefined : text(definition['Default']));
    if (value === undefined)
      throw templateError(file, `parameter "${name}" has no Default: give it with --param ${name}=VALUE`);
    const allowed = definition['AllowedValues'];
    if (Array.isArray(allowed) && !allowed.map(String).includes(value))
      throw templateError(
        file,
        `parameter "${name}": "${value}" is not one of ${allowed.map(String).join(', ')}`,
      );
    const type = typeof definition['Type'] === 'string' ? definition['Type'] : 'String';
    parameters.set(
      name,
      type === 'CommaDelimitedList' || type.startsWith('List<')
        ? value.split(',').map((item) => item.trim())
        : value,
    );
  }

  const resources: Resource[] = [];
  for (const [id, raw] of Object.entries(template['Resources'])) {
    if (!isObject(raw) || typeof raw['Type'] !== 'string')
      throw templateError(`Resources.${id}`, 'a resource needs a Type');
    resources.push({ id, type: raw['Type'], raw });
  }
  const byId = new Map(resources.map((resource) => [resource.id, resource]));
  const functionName = (resource: Resource): string => {
    const name = isObject(resource.raw['Properties'])
      ? resource.raw['Properties']['FunctionName']
      : undefined;
    return typeof name === 'string' ? name : resource.id;
  };

  // Conditions, evaluated on demand (they may refer to each other).
  const conditionDefs = isObject(template['Conditions']) ? template['Conditions'] : {};
  const conditions = new Map<string, boolean>();
  /** Resources whose name is being resolved, so that a name referring to itself ends. */
  const naming = new Set<string>();
  const evaluating = new Set<string>();
  const ctx: ResolveContext = {
    parameters,
    mappings: isObject(template['Mappings']) ? template['Mappings'] : {},
    condition(name) {
      const known = conditions.get(name);
      if (known !== undefined) return known;
      if (!Object.hasOwn(conditionDefs, name)) throw templateError(file, `unknown condition "${name}"`);
      if (evaluating.has(name)) throw templateError(file, `condition "${name}" refers to itself`);
      evaluating.add(name);
      const value = resolveValue(conditionDefs[name], ctx, `Conditions.${name}`);
      evaluating.delete(name);
      if (typeof value !== 'boolean')
        throw templateError(`Conditions.${name}`, 'a condition must evaluate to true or false');
      conditions.set(name, value);
      return value;
    },
    resources: {
      ref(id) {
        const resource = byId.get(id);
        if (resource === undefined) return undefined;
        if (FUNCTION_TYPES.has(resource.type)) return functionName(resource);
        // Named resources (AWS::DynamoDB::Table TableName, AWS::SQS::Queue QueueName, …) return their name.
        const kind = TABLE_TYPES.has(resource.type) ? 'Table' : (resource.type.split('::')[2] ?? '');
        const named = isObject(resource.raw['Properties'])
          ? resource.raw['Properties'][`${kind}Name`]
          : undefined;
        if (named === undefined || naming.has(id)) return typeof named === 'string' ? named : id;
        // A name given by a parameter or !Sub (TableName: !Ref TableName) is resolved.
        naming.add(id);
        try {
          const resolved = resolveValue(named, ctx, `${id}.Properties.${kind}Name`);
          return typeof resolved === 'string' ? resolved : id;
        } finally {
          naming.delete(id);
        }
      },
      getAtt(id, attribute) {
        const resource = byId.get(id);
        if (resource === undefined) return undefined;
        if (FUNCTION_TYPES.has(resource.type) && attribute === 'Arn')
          return `arn:aws:lambda:${region}:${account}:function:${functionName(resource)}`;
        if (resource.type === API && attribute === 'ApiEndpoint')
          return `wss://${id}.execute-api.${region}.amazonaws.com`;
        if (resource.type === API && attribute === 'ApiId') return id;
        if (attribute === 'Arn') return `arn:aws:${serviceOf(resource.type)}:${region}:${account}:${id}`;
        return `${id}.${attribute}`;
      },
    },
  };

  // Resources in effect (their Condition holds), with resolved properties.
  const active: (Resource & { readonly props: Properties })[] = [];
  const globals =
    isObject(template['Globals']) && isObject(template['Globals']['Function'])
      ? (resolveValue(template['Globals']['Function'], ctx, 'Globals.Function') as Properties)
      : {};
  const skipped = new Map<string, string[]>();
  for (const resource of resources) {
    const condition = resource.raw['Condition'];
    if (typeof condition === 'string' && !ctx.condition(condition)) {
      notes.push(`${resource.id} (${resource.type}) skipped: its condition ${condition} is false`);
      continue;
    }
    const spec = PROPERTIES[resource.type];
    if (spec === undefined) {
      const list = skipped.get(resource.type) ?? [];
      list.push(resource.id);
      skipped.set(resource.type, list);
      continue;
    }
    const resolved = resolveValue(resource.raw['Properties'] ?? {}, ctx, `${resource.id}.Properties`);
    let props = isObject(resolved) ? resolved : {};
    if (resource.type === 'AWS::Serverless::Function')
      props = {
        ...globals,
        ...props,
        Environment: mergeEnvironment(globals['Environment'], props['Environment']),
      };
    for (const key of Object.keys(props)) {
      if (!spec.mapped.includes(key) && !spec.known.includes(key))
        warnings.push(`${resource.id} (${resource.type}): property ${key} is not supported and is ignored`);
    }
    active.push({ ...resource, props });
  }
  for (const [type, ids] of skipped)
    notes.push(`skipped ${ids.join(', ')} (${type}): the gateway does not use this resource type`);

  // The WebSocket API.
  const apis = active.filter((resource) => resource.type === API);
  const webSocketApis = apis.filter((api) => api.props['ProtocolType'] === 'WEBSOCKET');
  for (const api of apis)
    if (api.props['ProtocolType'] !== 'WEBSOCKET')
      notes.push(`${api.id} skipped: ProtocolType ${text(api.props['ProtocolType'])} is not WEBSOCKET`);
  if (webSocketApis.length === 0)
    throw templateError(file, 'the template has no AWS::ApiGatewayV2::Api with ProtocolType WEBSOCKET');
  if (webSocketApis.length > 1)
    throw templateError(
      file,
      `the template has ${webSocketApis.length} WebSocket APIs (${webSocketApis.map((api) => api.id).join(', ')}); Switchboard serves one API per gateway`,
    );
  const api = webSocketApis[0] as (typeof webSocketApis)[number];
  const belongs = (resource: { props: Properties }) =>
    resource.props['ApiId'] === undefined || resource.props['ApiId'] === api.id;
  const ofType = (type: string) => active.filter((resource) => resource.type === type && belongs(resource));

  const config: Record<string, unknown> = {};
  const apiSection: Record<string, unknown> = {};
  if (typeof api.props['RouteSelectionExpression'] === 'string')
    apiSection['routeSelectionExpression'] = api.props['RouteSelectionExpression'];
  if (api.props['ApiKeySelectionExpression'] !== undefined)
    warnings.push(
      `${api.id} (${API}): property ApiKeySelectionExpression is not supported (API keys are not checked) and is ignored`,
    );

  // Functions.
  const functions: Record<string, unknown> = {};
  const functionKeyByName = new Map<string, string>();
  for (const fn of active.filter((resource) => FUNCTION_TYPES.has(resource.type))) {
    const mapped = mapFunction(fn, baseDir, warnings);
    if (mapped === undefined) continue;
    functions[fn.id] = mapped;
    functionKeyByName.set(functionName(fn), fn.id);
  }
  /** The local function a Lambda ARN or integration URI names. */
  const functionFor = (uri: string): string | undefined => {
    const arn = /(?:functions\/)?arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:([^/:]+)/.exec(uri);
    return arn?.[1] === undefined ? undefined : functionKeyByName.get(arn[1]);
  };

  // Integrations.
  const integrations: Record<string, Record<string, unknown>> = {};
  for (const integration of ofType('AWS::ApiGatewayV2::Integration'))
    integrations[integration.id] = mapIntegration(integration, functionFor, warnings);
  for (const response of ofType('AWS::ApiGatewayV2::IntegrationResponse')) {
    const target = integrations[text(response.props['IntegrationId'])];
    if (target === undefined)
      throw templateError(
        `${response.id}.IntegrationId`,
        `"${text(response.props['IntegrationId'])}" is not an integration of the API`,
      );
    const key = text(response.props['IntegrationResponseKey'] ?? '$default');
    const entry: Record<string, unknown> = {};
    if (isObject(response.props['ResponseTemplates']))
      entry['templates'] = response.props['ResponseTemplates'];
    if (typeof response.props['TemplateSelectionExpression'] === 'string')
      entry['templateSelectionExpression'] = response.props['TemplateSelectionExpression'];
    target['integrationResponses'] = {
      ...(target['integrationResponses'] as object | undefined),
      [key]: entry,
    };
  }

  // Models.
  const models: Record<string, unknown> = {};
  const modelNames = new Map<string, string>();
  for (const model of ofType('AWS::ApiGatewayV2::Model')) {
    const name = typeof model.props['Name'] === 'string' ? model.props['Name'] : model.id;
    const schema = model.props['Schema'];
    models[name] = {
      schema: typeof schema === 'string' ? schema : JSON.stringify(schema),
      ...(typeof model.props['ContentType'] === 'string' ? { contentType: model.props['ContentType'] } : {}),
    };
    modelNames.set(model.id, name);
  }

  // Authorizers.
  const authorizers: Record<string, unknown> = {};
  for (const authorizer of ofType('AWS::ApiGatewayV2::Authorizer')) {
    if (authorizer.props['AuthorizerType'] !== 'REQUEST') {
      warnings.push(
        `${authorizer.id} (AWS::ApiGatewayV2::Authorizer): AuthorizerType ${text(authorizer.props['AuthorizerType'])} is not supported for WebSocket APIs; the authorizer is skipped`,
      );
      continue;
    }
    const uri = text(authorizer.props['AuthorizerUri'] ?? '');
    const identitySource = Array.isArray(authorizer.props['IdentitySource'])
      ? authorizer.props['IdentitySource'].map(String)
      : typeof authorizer.props['IdentitySource'] === 'string'
        ? authorizer.props['IdentitySource'].split(',').map((s) => s.trim())
        : [];
    const fnKey = functionFor(uri);
    const entry: Record<string, unknown> = { type: 'REQUEST', identitySource };
    if (fnKey !== undefined) {
      const fn = functions[fnKey] as {
        codeDir: string;
        handler: string;
        environment?: Record<string, string>;
        timeoutMs?: number;
      };
      entry['handler'] = fn.handler;
      entry['codeDir'] = fn.codeDir;
      if (fn.environment !== undefined) entry['environment'] = fn.environment;
      // An authorizer may take 10 s at most on AWS, whatever the function's own timeout.
      if (fn.timeoutMs !== undefined) entry['timeoutMs'] = Math.min(fn.timeoutMs, 10_000);
    } else if (/^https?:\/\//.test(uri)) {
      entry['uri'] = uri;
    } else {
      throw templateError(
        `${authorizer.id}.AuthorizerUri`,
        `"${uri}" names no Lambda function of this template and is not an http(s) URL`,
      );
    }
    authorizers[authorizer.id] = entry;
  }

  // Routes, with their route responses.
  const routes: Record<string, Record<string, unknown>> = {};
  const routeKeyById = new Map<string, string>();
  const twoWayRoutes = new Set(
    ofType('AWS::ApiGatewayV2::RouteResponse')
      .filter((rr) => (rr.props['RouteResponseKey'] ?? '$default') === '$default')
      .map((rr) => text(rr.props['RouteId'])),
  );
  for (const route of ofType('AWS::ApiGatewayV2::Route')) {
    const key = text(route.props['RouteKey'] ?? '');
    if (key === '') throw templateError(`${route.id}.RouteKey`, 'a route needs a RouteKey');
    const target = route.props['Target'];
    if (typeof target !== 'string') {
      notes.push(
        `${route.id} (route ${key}) skipped: it has no Target integration (only integrations are served)`,
      );
      continue;
    }
    const match = /^integrations\/(.+)$/.exec(target);
    if (match === null || integrations[match[1] ?? ''] === undefined)
      throw templateError(
        `${route.id}.Target`,
        `"${target}" is not integrations/ID of an integration in the template`,
      );
    const entry: Record<string, unknown> = { integration: match[1] };
    const rrse = route.props['RouteResponseSelectionExpression'];
    if (twoWayRoutes.has(route.id)) {
      if (rrse === '$default') entry['twoWay'] = true;
      else
        warnings.push(
          `${route.id} (AWS::ApiGatewayV2::Route): a $default RouteResponse needs RouteResponseSelectionExpression $default; the route stays one-way`,
        );
    } else if (rrse !== undefined && rrse !== '$default') {
      warnings.push(
        `${route.id} (AWS::ApiGatewayV2::Route): RouteResponseSelectionExpression ${text(rrse)} is not supported (only $default)`,
      );
    }
    const authorization = route.props['AuthorizationType'];
    if (authorization === 'CUSTOM') {
      const authorizerId = text(route.props['AuthorizerId'] ?? '');
      if (authorizers[authorizerId] === undefined)
        throw templateError(
          `${route.id}.AuthorizerId`,
          `"${authorizerId}" is not a REQUEST authorizer of the template`,
        );
      entry['authorizationType'] = 'CUSTOM';
      entry['authorizer'] = authorizerId;
    } else if (authorization === 'AWS_IAM') {
      warnings.push(
        `${route.id} (AWS::ApiGatewayV2::Route): AuthorizationType AWS_IAM is not supported; the route is not authorized`,
      );
    }
    if (route.props['ApiKeyRequired'] === true)
      warnings.push(
        `${route.id} (AWS::ApiGatewayV2::Route): ApiKeyRequired is not supported (API keys are not checked)`,
      );
    if (isObject(route.props['RequestModels'])) {
      const requestModels: Record<string, string> = {};
      for (const [selection, model] of Object.entries(route.props['RequestModels']))
        requestModels[selection] = modelNames.get(text(model)) ?? text(model);
      entry['requestModels'] = requestModels;
    }
    if (typeof route.props['ModelSelectionExpression'] === 'string')
      entry['modelSelectionExpression'] = route.props['ModelSelectionExpression'];
    routes[key] = entry;
    routeKeyById.set(route.id, key);
  }

  // Stages.
  const stages = ofType('AWS::ApiGatewayV2::Stage');
  if (stages.length > 0) {
    const stageVariables: Record<string, Record<string, string>> = {};
    apiSection['stages'] = stages.map((stage) => text(stage.props['StageName'] ?? stage.id));
    for (const stage of stages) {
      const name = text(stage.props['StageName'] ?? stage.id);
      if (isObject(stage.props['StageVariables']))
        stageVariables[name] = Object.fromEntries(
          Object.entries(stage.props['StageVariables']).map(([k, v]) => [k, text(v)]),
        );
    }
    if (Object.keys(stageVariables).length > 0) apiSection['stageVariables'] = stageVariables;
    const [first] = stages;
    if (stages.length > 1)
      notes.push(
        `throttling and access logs are taken from the first stage, ${text(first?.props['StageName'])}; Switchboard has one setting for all stages`,
      );
    if (first !== undefined) mapStageSettings(first, config, warnings);
  } else {
    notes.push('the template has no AWS::ApiGatewayV2::Stage: the gateway serves the default stage "dev"');
  }

  // DynamoDB tables, created at dynamodb.endpoint when one is set.
  const tables: Record<string, unknown> = {};
  for (const table of active.filter((resource) => TABLE_TYPES.has(resource.type))) {
    const mapped = mapTable(table, warnings);
    if (mapped === undefined) continue;
    tables[mapped[0]] = mapped[1];
    notes.push(`${table.id} (${table.type}): table ${mapped[0]} is created at dynamodb.endpoint when one is set`);
  }

  config['api'] = apiSection;
  config['routes'] = routes;
  config['integrations'] = integrations;
  if (Object.keys(functions).length > 0) config['functions'] = functions;
  if (Object.keys(models).length > 0) config['models'] = models;
  if (Object.keys(authorizers).length > 0) config['authorizers'] = authorizers;
  if (Object.keys(tables).length > 0) config['dynamodb'] = { tables };
  return { config, warnings, notes };
}
