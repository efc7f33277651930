// $connect: a Lambda handler as it runs on AWS. A client must say who it is (?name=…); the
// statusCode decides: 2xx accepts the WebSocket, anything else refuses the handshake with it.
export const handler = async (event) => {
  const name = event.queryStringParameters?.name;
  if (name === undefined || name === '') return { statusCode: 401, body: 'add ?name=YOUR_NAME' };
  console.log(`connect ${event.requestContext.connectionId} as ${name}`);
  return { statusCode: 200 };
};
