// $disconnect: the close code and reason arrive in the event, as on AWS; the result is ignored.
export const handler = async (event) => {
  console.log(`disconnect ${event.requestContext.connectionId} ${event.requestContext.disconnectStatusCode}`);
  return { statusCode: 200 };
};
