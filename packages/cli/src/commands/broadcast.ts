/** `switchboard broadcast MESSAGE`: one message to every connection of the stage (Switchboard's POST /{stage}/@broadcast, every node of a cluster). */
import { managementOptionsHelp, parseManagementCommand } from '../management/management-flags.js';
import { messageData } from '../management/message-data.js';
import { printJson, stylesFor } from '../output/terminal.js';

export const broadcastHelp = `Usage: switchboard broadcast [MESSAGE | --file PATH] [options]

Sends MESSAGE to every open connection of the endpoint's stage, on every node of a
cluster (POST /{stage}/@broadcast), and prints how many connections it reached.

Options:
  --file PATH              send this file's bytes (- for stdin)
${managementOptionsHelp}
Examples:
  switchboard broadcast --endpoint http://127.0.0.1:8081/dev 'maintenance in 5 minutes'
  switchboard broadcast --endpoint http://127.0.0.1:8081/dev --file notice.json --json
`;

interface FanOut {
  connections?: number;
  nodes?: number;
  unreachableNodes?: number;
}

export async function broadcast(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const input = parseManagementCommand('broadcast', argv, env, broadcastHelp, { file: { type: 'string' } });
  if (input === undefined) return;
  const file = input.values.file;
  const data = await messageData(
    'broadcast',
    input.positionals[0],
    typeof file === 'string' ? file : undefined,
  );
  const result = (await input.client.broadcast(data)) as FanOut;
  if (input.json) {
    printJson(result);
    return;
  }
  const { green, red } = stylesFor(process.stdout, env);
  const unreachable = result.unreachableNodes ?? 0;
  process.stdout.write(
    `${green('broadcast')} to ${String(result.connections ?? 0)} connections on ${String(result.nodes ?? 1)} node(s)${unreachable > 0 ? red(`, ${unreachable} node(s) unreachable`) : ''}\n`,
  );
}
