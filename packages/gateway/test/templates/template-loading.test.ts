// Loading CloudFormation/SAM templates: each resource type, the intrinsic functions (Ref, Fn::Sub in
// both forms, Fn::Join, Fn::GetAtt of a Lambda ARN, Fn::If with Conditions, …), pseudo parameters,
// --param, skipped-resource notes, unsupported-property warnings and errors for unusable templates.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { loadTemplateFile, templateResultToYaml } from '../../src/templates/cloudformation/load-template.js';
import { templateToConfig } from '../../src/templates/cloudformation/template-to-config.js';
import { parseTemplateText } from '../../src/templates/cloudformation/template-yaml.js';

const chatTemplate = fileURLToPath(new URL('../fixtures/templates/chat-api.yml', import.meta.url));
const chatParams = { BackendUrl: 'http://127.0.0.1:3000', ManagementEndpoint: 'http://127.0.0.1:8081/dev' };

const dir = mkdtempSync(join(tmpdir(), 'swb-templates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Converts template text with `parameters`. */
function convert(text: string, parameters: Record<string, string> = {}) {
  return templateToConfig(parseTemplateText(text, 'template.yml'), {
    file: join(dir, 'template.yml'),
    parameters,
  });
}

/** A minimal WebSocket API around `resources` (YAML, indented by 2 under Resources). */
const withApi = (resources: string, head = '') => `${head}
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: { Name: t, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action }
${resources}`;

function thrown(run: () => unknown): { code?: string; message: string } {
  try {
    run();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected an error');
}

describe('the chat template (every resource type)', () => {
  it('maps Api, Route, Integration, RouteResponse, IntegrationResponse, Model, Authorizer, Stage, Deployment and functions into a valid config', async () => {
    const result = await loadTemplateFile({ file: chatTemplate, parameters: chatParams });
    const config = parseConfig(result.config);
    expect(config.api).toMatchObject({
      routeSelectionExpression: '$request.body.action',
      stages: ['dev'],
      stageVariables: { dev: { region: 'us-east-1' } },
    });
    expect(config.routes['$connect']).toMatchObject({
      integration: 'ConnectIntegration',
      authorizationType: 'CUSTOM',
      authorizer: 'Authorizer',
      twoWay: false,
    });
    expect(config.routes['$default']).toMatchObject({ integration: 'DefaultIntegration', twoWay: true });
    expect(config.routes['send']).toMatchObject({ integration: 'SendIntegration', twoWay: true });
    expect(config.routes['validate']).toMatchObject({
      requestModels: { $default: 'Message' },
      modelSelectionExpression: '$default',
    });
    expect(config.integrations['ConnectIntegration']).toMatchObject({
      type: 'HTTP_PROXY',
      uri: 'http://127.0.0.1:3000/connect',
      method: 'POST',
    });
    expect(config.integrations['DisconnectIntegration']?.uri).toBe('http://127.0.0.1:3000/disconnect');
    expect(config.integrations['DefaultIntegration']).toMatchObject({
      type: 'HTTP',
      uri: 'http://127.0.0.1:3000/default',
      templateSelectionExpression: '\\$default',
    });
    expect(Object.keys(config.integrations['DefaultIntegration']?.integrationResponses ?? {})).toEqual([
      '$default',
    ]);
    expect(config.integrations['SendIntegration']).toMatchObject({
      type: 'AWS_PROXY',
      function: 'SendFunction',
    });
    expect(config.integrations['ValidateIntegration']?.integrationResponses).toHaveProperty(['/2\\d\\d/']);
    expect(config.functions['SendFunction']).toMatchObject({
      functionName: 'switchboard-send',
      handler: 'chat.handler',
      timeoutMs: 5000,
      memoryMb: 128,
      environment: {
        TABLE_NAME: 'connections',
        GREETING: 'hello',
        AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI: 'http://127.0.0.1:8081/dev',
      },
    });
    expect(config.functions['SendFunction']?.codeDir).toBe(
      fileURLToPath(new URL('../fixtures/templates/handlers', import.meta.url)),
    );
    expect(JSON.parse(config.models['Message']?.schema ?? '{}')).toMatchObject({
      required: ['action', 'text'],
    });
    expect(config.authorizers['Authorizer']).toMatchObject({
      type: 'REQUEST',
      identitySource: ['route.request.querystring.token'],
      handler: 'auth.handler',
    });
    expect(config.throttling.messages).toEqual({ rateLimit: 1000, burstLimit: 500 });
    expect(result.warnings).toEqual([]);
  });

  it('takes --param values over defaults, and Fn::If follows the condition', async () => {
    const prod = await loadTemplateFile({
      file: chatTemplate,
      parameters: { ...chatParams, StageName: 'prod' },
    });
    const config = parseConfig(prod.config);
    expect(config.api.stages).toEqual(['prod']);
    expect(config.functions['SendFunction']?.environment['GREETING']).toBe('hello from prod');
    const greeting = parseConfig(
      (await loadTemplateFile({ file: chatTemplate, parameters: { ...chatParams, Greeting: 'hej' } })).config,
    );
    expect(greeting.functions['SendFunction']?.environment['GREETING']).toBe('hej');
  });

  it('prints equivalent Switchboard YAML for `switchboard import`', async () => {
    const result = await loadTemplateFile({ file: chatTemplate, parameters: chatParams });
    const yaml = templateResultToYaml(result, 'chat-api.yml');
    expect(yaml).toContain(
      '# note: ConnectionsTable (AWS::DynamoDB::Table): table connections is created at dynamodb.endpoint when one is set',
    );
    expect(parseConfig(parse(yaml))).toEqual(parseConfig(result.config));
  });

  it('loads through loadConfig, with flags applied on top of the template', async () => {
    const config = await loadConfig({
      file: chatTemplate,
      templateParameters: chatParams,
      overrides: { listen: { port: 9999 } },
    });
    expect(config.listen.port).toBe(9999);
    expect(config.routes['send']?.integration).toBe('SendIntegration');
    expect(Object.isFrozen(config.routes)).toBe(true);
  });
});

describe('intrinsic functions and parameters', () => {
  const resources = `  Integ:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: HTTP_PROXY
      IntegrationUri: !Sub ['\${Scheme}://\${Host}/\${AWS::Region}/\${AWS::AccountId}/\${AWS::StackName}/\${AWS::Partition}/\${AWS::URLSuffix}/\${!Literal}', { Scheme: http }]
      TimeoutInMillis: !Select [1, !Split [',', '10,5000,20']]
      RequestParameters:
        integration.request.header.x-join: !Join ['-', [a, !Ref Host, !FindInMap [Sizes, !Ref Size, value]]]
        integration.request.header.x-arn: !GetAtt Fn.Arn
        integration.request.header.x-gone: !If [IsBig, !Ref AWS::NoValue, "'small'"]
        integration.request.header.x-cond: !If [BothOrNeither, "'yes'", "'no'"]
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties: { ApiId: !Ref Api, RouteKey: $default, Target: !Join ['/', [integrations, !Ref Integ]] }
  Fn:
    Type: AWS::Lambda::Function
    Properties: { Code: ./code, Handler: index.handler, Runtime: nodejs20.x, FunctionName: my-fn }`;
  const head = `Parameters:
  Host: { Type: String, Default: example.com }
  Size: { Type: String, Default: small, AllowedValues: [small, big] }
Mappings:
  Sizes:
    small: { value: s }
    big: { value: b }
Conditions:
  IsBig: !Equals [!Ref Size, big]
  IsSmall: !Not [!Condition IsBig]
  BothOrNeither: !Or [!And [!Condition IsBig, !Condition IsSmall], !Condition IsSmall]`;

  it('resolves Ref, Fn::Sub (list form, pseudo parameters, ${!Literal}), Fn::Join, Fn::Select, Fn::Split, Fn::FindInMap, Fn::GetAtt and Fn::If', () => {
    const { config } = convert(withApi(resources, head));
    const integration = (config['integrations'] as Record<string, Record<string, unknown>>)['Integ'];
    expect(integration).toMatchObject({
      uri: 'http://example.com/us-east-1/123456789012/switchboard/aws/amazonaws.com/${Literal}',
      timeoutMs: 5000,
      requestParameters: {
        'integration.request.header.x-join': 'a-example.com-s',
        'integration.request.header.x-arn': 'arn:aws:lambda:us-east-1:123456789012:function:my-fn',
        'integration.request.header.x-gone': "'small'",
        'integration.request.header.x-cond': "'yes'",
      },
    });
  });

  it('drops a property that resolves to AWS::NoValue, and honours --param', () => {
    const { config } = convert(withApi(resources, head), { Size: 'big', Host: 'h.test' });
    const integration = (config['integrations'] as Record<string, Record<string, Record<string, unknown>>>)[
      'Integ'
    ];
    expect(integration?.['requestParameters']).not.toHaveProperty('integration.request.header.x-gone');
    expect(integration?.['requestParameters']?.['integration.request.header.x-join']).toBe('a-h.test-b');
    expect(integration?.['requestParameters']?.['integration.request.header.x-cond']).toBe("'no'");
  });

  it('resolves the JSON long forms too (Fn::Sub string form, Fn::GetAtt list form)', () => {
    const json = JSON.stringify({
      Resources: {
        Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { ProtocolType: 'WEBSOCKET' } },
        Fn: { Type: 'AWS::Serverless::Function', Properties: { CodeUri: 'src', Handler: 'app.handler' } },
        Integ: {
          Type: 'AWS::ApiGatewayV2::Integration',
          Properties: {
            IntegrationType: 'AWS_PROXY',
            IntegrationUri: {
              'Fn::Sub':
                'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations',
            },
          },
        },
        Integ2: {
          Type: 'AWS::ApiGatewayV2::Integration',
          Properties: {
            IntegrationType: 'AWS_PROXY',
            IntegrationUri: {
              'Fn::Join': [
                '',
                [
                  'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/',
                  { 'Fn::GetAtt': ['Fn', 'Arn'] },
                  '/invocations',
                ],
              ],
            },
          },
        },
      },
    });
    const { config } = convert(json);
    expect(config['integrations']).toEqual({
      Integ: { type: 'AWS_PROXY', function: 'Fn' },
      Integ2: { type: 'AWS_PROXY', function: 'Fn' },
    });
    expect((config['functions'] as Record<string, unknown>)['Fn']).toMatchObject({
      codeDir: join(dir, 'src'),
      handler: 'app.handler',
    });
  });

  it('skips a resource whose Condition is false, with a note', () => {
    const text = withApi(
      `  Extra:
    Type: AWS::ApiGatewayV2::Integration
    Condition: IsBig
    Properties: { IntegrationType: MOCK }`,
      head,
    );
    const result = convert(text);
    expect(result.config['integrations']).toEqual({});
    expect(result.notes).toContain(
      'Extra (AWS::ApiGatewayV2::Integration) skipped: its condition IsBig is false',
    );
  });
});

describe('stages', () => {
  it('maps StageName, StageVariables, DefaultRouteSettings and RouteSettings throttling, and AccessLogSettings.Format', () => {
    const result = convert(
      withApi(`  Integ:
    Type: AWS::ApiGatewayV2::Integration
    Properties: { IntegrationType: MOCK }
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties: { RouteKey: send, Target: integrations/Integ }
  Prod:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      StageName: prod
      StageVariables: { backend: b.example.com, n: 3 }
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 50, DataTraceEnabled: false }
      RouteSettings:
        send: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 2, Frob: 1 }
      AccessLogSettings:
        DestinationArn: arn:aws:logs:us-east-1:123456789012:log-group:ws
        Format: '{"requestId":"$context.requestId","routeKey":"$context.routeKey"}'
  Beta:
    Type: AWS::ApiGatewayV2::Stage
    Properties: { StageName: beta }`),
    );
    const config = parseConfig(result.config);
    expect(config.api.stages).toEqual(['prod', 'beta']);
    expect(config.api.stageVariables).toEqual({ prod: { backend: 'b.example.com', n: '3' } });
    expect(config.throttling.messages).toEqual({ rateLimit: 100, burstLimit: 50 });
    expect(config.throttling.routes).toEqual({ send: { rateLimit: 5, burstLimit: 2 } });
    expect(config.accessLog.format).toBe('{"requestId":"$context.requestId","routeKey":"$context.routeKey"}');
    expect(result.warnings).toEqual([
      'Prod (AWS::ApiGatewayV2::Stage): route setting Frob is not supported and is ignored',
      'Prod (AWS::ApiGatewayV2::Stage): AccessLogSettings.DestinationArn is not supported; access logs go to stdout (accessLog.destination)',
    ]);
    expect(result.notes).toContain(
      'throttling and access logs are taken from the first stage, prod; Switchboard has one setting for all stages',
    );
  });
});

describe('notes, warnings and errors', () => {
  it('notes the resources it skips and warns about unsupported properties, naming resource and property', () => {
    const result = convert(
      withApi(`  Queue:
    Type: AWS::SQS::Queue
    Properties: { QueueName: q }
  Role:
    Type: AWS::IAM::Role
  Integ:
    Type: AWS::ApiGatewayV2::Integration
    Properties: { IntegrationType: MOCK, ConnectionType: VPC_LINK, Frobnicate: true }
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties: { RouteKey: $default, Target: integrations/Integ, AuthorizationType: AWS_IAM, ApiKeyRequired: true }`),
    );
    expect(result.notes).toEqual(
      expect.arrayContaining([
        'skipped Queue (AWS::SQS::Queue): the gateway does not use this resource type',
        'skipped Role (AWS::IAM::Role): the gateway does not use this resource type',
      ]),
    );
    expect(result.warnings).toEqual([
      'Integ (AWS::ApiGatewayV2::Integration): property Frobnicate is not supported and is ignored',
      'Integ (AWS::ApiGatewayV2::Integration): ConnectionType VPC_LINK is not supported; IntegrationUri is called directly',
      'Route (AWS::ApiGatewayV2::Route): AuthorizationType AWS_IAM is not supported; the route is not authorized',
      'Route (AWS::ApiGatewayV2::Route): ApiKeyRequired is not supported (API keys are not checked)',
    ]);
  });

  it('gives SWB_ERR_TEMPLATE_INVALID with the resource and property for an unusable template', () => {
    const cases: [string, RegExp][] = [
      [
        'Resources:\n  T: { Type: AWS::DynamoDB::Table }',
        /no AWS::ApiGatewayV2::Api with ProtocolType WEBSOCKET/,
      ],
      [
        withApi(
          '  R:\n    Type: AWS::ApiGatewayV2::Route\n    Properties: { RouteKey: $default, Target: integrations/Nope }',
        ),
        /R\.Target: "integrations\/Nope" is not integrations\/ID/,
      ],
      [
        withApi(
          '  I:\n    Type: AWS::ApiGatewayV2::Integration\n    Properties: { IntegrationType: HTTP_PROXY, IntegrationUri: !Ref Missing }',
        ),
        /I\.Properties\.IntegrationUri \(Ref\): Ref to "Missing"/,
      ],
      [
        withApi(
          '  I:\n    Type: AWS::ApiGatewayV2::Integration\n    Properties: { IntegrationType: HTTP_PROXY, IntegrationUri: !GetAZs "" }',
        ),
        /Fn::GetAZs is not supported/,
      ],
      [
        withApi(
          '  I:\n    Type: AWS::ApiGatewayV2::Integration\n    Properties: { IntegrationType: AWS, IntegrationUri: x }',
        ),
        /AWS \(non-proxy AWS service\) integrations are not supported/,
      ],
      [
        withApi(
          '  I:\n    Type: AWS::ApiGatewayV2::Integration\n    Properties: { IntegrationType: AWS_PROXY, IntegrationUri: "arn:aws:lambda:us-east-1:1:function:elsewhere" }',
        ),
        /names no Lambda function of this template/,
      ],
      [
        withApi('', 'Parameters:\n  Needed: { Type: String }'),
        /parameter "Needed" has no Default: give it with --param Needed=VALUE/,
      ],
    ];
    for (const [text, message] of cases) {
      const error = thrown(() => convert(text));
      expect(error.code, text).toBe('SWB_ERR_TEMPLATE_INVALID');
      expect(error.message).toMatch(message);
    }
    expect(thrown(() => convert(withApi(''), { Nope: '1' })).message).toMatch(
      /--param Nope: the template declares no parameter "Nope"/,
    );
    expect(
      thrown(() =>
        convert(withApi('', 'Parameters:\n  S: { Type: String, Default: a, AllowedValues: [a, b] }'), {
          S: 'c',
        }),
      ).message,
    ).toMatch(/"c" is not one of a, b/);
  });

  it('reports a template that is not YAML as SWB_ERR_CONFIG_UNREADABLE', async () => {
    const file = join(dir, 'broken.yml');
    writeFileSync(file, 'Resources: [unclosed');
    await expect(loadTemplateFile({ file })).rejects.toMatchObject({ code: 'SWB_ERR_CONFIG_UNREADABLE' });
  });
});
