/**
 * The message a `send` or `broadcast` command pushes: the positional text, or the bytes of `--file
 * PATH` (`--file -` reads stdin), sent as they are.
 */
import { readFile } from 'node:fs/promises';
import { GatewayError } from '@switchboard/gateway';

export async function messageData(
  command: string,
  text: string | undefined,
  file: string | undefined,
): Promise<Buffer> {
  if (text !== undefined && file !== undefined)
    throw new GatewayError(
      'SWB_ERR_CLI_USAGE',
      `switchboard ${command}: give the message or --file, not both`,
    );
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  if (file !== undefined) {
    try {
      return await readFile(file);
    } catch (error) {
      throw new GatewayError(
        'SWB_ERR_CLI_USAGE',
        `switchboard ${command}: cannot read --file ${file}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  if (text === undefined)
    throw new GatewayError(
      'SWB_ERR_CLI_USAGE',
      `switchboard ${command}: missing the message (text, or --file PATH, or --file - for stdin)`,
    );
  return Buffer.from(text, 'utf8');
}
