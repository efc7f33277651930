/**
 * Test helper: sends raw bytes on a fresh TCP connection and resolves with everything the server
 * wrote before closing (or until `untilText` appears), for requests no HTTP client will send.
 */
import { connect } from 'node:net';

export async function rawExchange(port: number, request: string | Buffer, untilText?: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (untilText !== undefined && Buffer.concat(chunks).toString('latin1').includes(untilText)) {
        socket.destroy();
        resolve(Buffer.concat(chunks).toString('latin1'));
      }
    });
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
    socket.write(request);
  });
}
