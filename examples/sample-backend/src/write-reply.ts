/**
 * Puts a Reply on the wire with an exact Content-Length (no chunked encoding), optionally
 * telling the client to drop the keep-alive connection after it.
 */
import type { ServerResponse } from 'node:http';
import type { Reply } from './reply.js';

export function writeReply(res: ServerResponse, reply: Reply, closeConnection: boolean): void {
  const body = reply.body ?? '';
  const headers: Record<string, string> = {
    ...reply.headers,
    'content-length': String(Buffer.byteLength(body)),
  };
  if (closeConnection) headers.connection = 'close';
  res.writeHead(reply.status, headers);
  res.end(body);
}
