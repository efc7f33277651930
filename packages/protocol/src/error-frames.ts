/**
 * The error frames a connected client receives, byte for byte as Amazon API Gateway sends them.
 * Note the uneven spacing: AWS puts a space after `"message":` and none after the other keys.
 * @see docs/protocol.md "Error frames"
 */

export type ErrorFrameMessage = 'Internal server error' | 'Forbidden' | 'Endpoint request timed out' | 'Too Many Requests';

/** `{"message": "…", "connectionId":"…", "requestId":"…"}` exactly as AWS spaces it. */
export function errorFrame(message: ErrorFrameMessage, connectionId: string, requestId: string): string {
  return `{"message": "${message}", "connectionId":"${connectionId}", "requestId":"${requestId}"}`;
}

/** The request-validation failure frame, spaced as the AWS documentation shows it. */
export function badRequestBodyFrame(connectionId: string, messageId: string): string {
  return `{"message" : "Bad request body", "connectionId": "${connectionId}", "messageId": "${messageId}"}`;
}
