/**
 * A request body read before the route ran (by an authentication guard that must hash it, as SigV4
 * does), handed to the route so the body is read from the socket only once.
 */
import type { IncomingMessage } from 'node:http';

const bodies = new WeakMap<IncomingMessage, Buffer>();

/** Records the body the guard read from `request`. */
export function setPrereadBody(request: IncomingMessage, body: Buffer): void {
  bodies.set(request, body);
}

/** The body a guard already read, or undefined when the route must read the stream itself. */
export function takePrereadBody(request: IncomingMessage): Buffer | undefined {
  const body = bodies.get(request);
  if (body !== undefined) bodies.delete(request);
  return body;
}
