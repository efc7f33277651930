/**
 * The CloudFormation resource types the template loader maps, with the properties each one maps
 * and those it accepts without effect; any other property of such a resource gives a warning.
 */

export const API = 'AWS::ApiGatewayV2::Api';
export const FUNCTION_TYPES = new Set(['AWS::Serverless::Function', 'AWS::Lambda::Function']);

/** Properties each type maps; `known` ones are accepted without effect; anything else is warned about. */
export const PROPERTIES: Readonly<
  Record<string, { readonly mapped: readonly string[]; readonly known: readonly string[] }>
> = {
  [API]: {
    mapped: ['ProtocolType', 'RouteSelectionExpression', 'ApiKeySelectionExpression'],
    known: ['Name', 'Description', 'Tags', 'DisableSchemaValidation', 'Version'],
  },
  'AWS::ApiGatewayV2::Route': {
    mapped: [
      'ApiId',
      'RouteKey',
      'Target',
      'AuthorizationType',
      'AuthorizerId',
      'RouteResponseSelectionExpression',
      'RequestParameters',
      'ModelSelectionExpression',
      'RequestModels',
      'ApiKeyRequired',
    ],
    known: ['OperationName', 'AuthorizationScopes'],
  },
  'AWS::ApiGatewayV2::Integration': {
    mapped: [
      'ApiId',
      'IntegrationType',
      'IntegrationUri',
      'IntegrationMethod',
      'RequestTemplates',
      'TemplateSelectionExpression',
      'RequestParameters',
      'TimeoutInMillis',
      'PassthroughBehavior',
      'ContentHandlingStrategy',
      'ConnectionType',
      'PayloadFormatVersion',
    ],
    known: ['Description', 'CredentialsArn', 'IntegrationSubtype'],
  },
  'AWS::ApiGatewayV2::RouteResponse': {
    mapped: ['ApiId', 'RouteId', 'RouteResponseKey'],
    known: ['ModelSelectionExpression', 'ResponseModels', 'ResponseParameters'],
  },
  'AWS::ApiGatewayV2::IntegrationResponse': {
    mapped: [
      'ApiId',
      'IntegrationId',
      'IntegrationResponseKey',
      'ResponseTemplates',
      'TemplateSelectionExpression',
    ],
    known: ['ContentHandlingStrategy', 'ResponseParameters'],
  },
  'AWS::ApiGatewayV2::Model': { mapped: ['ApiId', 'Name', 'Schema', 'ContentType'], known: ['Description'] },
  'AWS::ApiGatewayV2::Authorizer': {
    mapped: ['ApiId', 'AuthorizerType', 'AuthorizerUri', 'IdentitySource', 'Name'],
    known: ['AuthorizerCredentialsArn', 'AuthorizerResultTtlInSeconds', 'AuthorizerPayloadFormatVersion'],
  },
  'AWS::ApiGatewayV2::Stage': {
    mapped: [
      'ApiId',
      'StageName',
      'StageVariables',
      'DefaultRouteSettings',
      'RouteSettings',
      'AccessLogSettings',
    ],
    known: ['DeploymentId', 'Description', 'Tags', 'AutoDeploy', 'ClientCertificateId'],
  },
  'AWS::ApiGatewayV2::Deployment': { mapped: ['ApiId'], known: ['Description', 'StageName'] },
  'AWS::Serverless::Function': {
    mapped: [
      'CodeUri',
      'Handler',
      'Runtime',
      'Environment',
      'Timeout',
      'MemorySize',
      'FunctionName',
      'InlineCode',
    ],
    known: [
      'Policies',
      'Role',
      'Events',
      'Description',
      'Architectures',
      'Tags',
      'Layers',
      'Tracing',
      'AutoPublishAlias',
      'ReservedConcurrentExecutions',
      'LoggingConfig',
      'PackageType',
    ],
  },
  'AWS::DynamoDB::Table': {
    mapped: [
      'TableName',
      'KeySchema',
      'AttributeDefinitions',
      'BillingMode',
      'ProvisionedThroughput',
      'GlobalSecondaryIndexes',
      'LocalSecondaryIndexes',
    ],
    known: [
      'SSESpecification',
      'PointInTimeRecoverySpecification',
      'TimeToLiveSpecification',
      'StreamSpecification',
      'DeletionProtectionEnabled',
      'TableClass',
      'ContributorInsightsSpecification',
      'KinesisStreamSpecification',
      'Tags',
    ],
  },
  'AWS::Serverless::SimpleTable': {
    mapped: ['TableName', 'PrimaryKey', 'ProvisionedThroughput'],
    known: ['SSESpecification', 'PointInTimeRecoverySpecification', 'Tags'],
  },
  'AWS::Lambda::Function': {
    mapped: ['Code', 'Handler', 'Runtime', 'Environment', 'Timeout', 'MemorySize', 'FunctionName'],
    known: [
      'Role',
      'Description',
      'Architectures',
      'Tags',
      'Layers',
      'TracingConfig',
      'ReservedConcurrentExecutions',
      'LoggingConfig',
      'PackageType',
    ],
  },
};
