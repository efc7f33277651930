// $default (with a route response, so two-way): replies with what the handler saw, and pushes a
// second frame through the management API with the AWS SDK, exactly as on AWS. The SDK's endpoint
// comes from AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI (the template's Environment); on AWS it would
// be https://{domainName}/{stage}.
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';

const management = new ApiGatewayManagementApiClient({});

export const handler = async (event, context) => {
  const { connectionId, routeKey, stage } = event.requestContext;
  await management.send(
    new PostToConnectionCommand({ ConnectionId: connectionId, Data: `pushed by ${context.functionName}` }),
  );
  return { statusCode: 200, body: JSON.stringify({ routeKey, stage, echo: event.body }) };
};
