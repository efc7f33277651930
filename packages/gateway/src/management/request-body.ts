/**
 * Reading a management API request body of at most 131072 bytes (AWS's PostToConnection limit).
 * The one reader used by the management API, the cross-node path, group publishing and the SigV4
 * guard, so that every one of them answers an oversize body the same way.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_POST_BYTES } from '@switchboard/protocol';
import { sendError } from './responses.js';

/**
 * The whole body, or undefined once it passes MAX_POST_BYTES (declared or streamed); the rest of an
 * oversize body is drained, not buffered.
 */
export function readBoundedBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    if (Number(request.headers['content-length'] ?? 0) > MAX_POST_BYTES) {
      request.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > MAX_POST_BYTES) {
        tooLarge = true;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => {
      if (!tooLarge) resolve(chunks.length === 1 ? (chunks[0] ?? Buffer.alloc(0)) : Buffer.concat(chunks, size));
    });
    request.once('error', reject);
  });
}

/** AWS's answer to an oversize body: 413 PayloadTooLargeException, closing the connection. */
export function sendPayloadTooLarge(response: ServerResponse): void {
  sendError(response, 413, 'PayloadTooLargeException', 'SWB_ERR_PAYLOAD_TOO_LARGE', `Request body exceeds ${MAX_POST_BYTES} bytes`, true);
}

/** Reads a POST body and passes it to `onBody`, or answers 413 itself when it is too large. */
export function readPostBody(request: IncomingMessage, response: ServerResponse, onBody: (body: Buffer) => void): void {
  readBoundedBody(request).then(
    (body) => {
      if (body === undefined) sendPayloadTooLarge(response);
      else onBody(body);
    },
    () => {
      // The client went away mid-body: there is nobody to answer.
      response.destroy();
    },
  );
}
