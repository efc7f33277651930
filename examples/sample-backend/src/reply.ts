/**
 * What an endpoint answers, as plain data: handlers return a Reply and never touch the socket,
 * so they can be unit-tested without HTTP. `write-reply.ts` puts a Reply on the wire.
 */

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** A JSON reply; error bodies follow AWS's `{"message": "…"}` shape. */
export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

/** `{"message": …}` with the given status. */
export function errorReply(status: number, message: string, headers: Record<string, string> = {}): Reply {
  return jsonReply(status, { message }, headers);
}
