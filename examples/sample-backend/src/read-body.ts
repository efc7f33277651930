/**
 * Reads a request body into one Buffer, up to a limit. A body over the limit is still read to its
 * end and discarded, so the client gets the 413 instead of a reset connection.
 */
import type { IncomingMessage } from 'node:http';

/** Largest request body the sample backend accepts: 256 KB. */
export const MAX_BODY_BYTES = 256 * 1024;

/** The body, or `undefined` when it was larger than `limit`. Rejects when the client goes away mid-body. */
export function readBody(req: IncomingMessage, limit: number = MAX_BODY_BYTES): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let tooLarge = false;
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(tooLarge ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, bytes));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('request closed before its body was complete'));
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
