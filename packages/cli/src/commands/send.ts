/** `switchboard send ID MESSAGE`: pushes one message to a connection through the management API (POST @connections). */
import { managementOptionsHelp, parseManagementCommand, positional } from '../management/management-flags.js';
import { messageData } from '../management/message-data.js';
import { printJson, stylesFor } from '../output/terminal.js';

export const sendHelp = `Usage: switchboard send CONNECTION_ID [MESSAGE | --file PATH] [options]

Sends MESSAGE (or the bytes of PATH; --file - reads stdin) to one connection, as
POST /{stage}/@connections/{id} does.

Options:
  --file PATH              send this file's bytes (- for stdin)
${managementOptionsHelp}
Examples:
  switchboard send --endpoint http://127.0.0.1:8081/dev Ab3xYz0= '{"hello":"world"}'
  echo hi | switchboard send --endpoint http://127.0.0.1:8081/dev Ab3xYz0= --file -
  switchboard send --endpoint https://admin.example.com/prod --token "$TOKEN" Ab3xYz0= hi
  AWS_ACCESS_KEY_ID=AKID AWS_SECRET_ACCESS_KEY=SECRET switchboard send --endpoint http://gw:8081/prod Ab3xYz0= hi
`;

export async function send(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const input = parseManagementCommand('send', argv, env, sendHelp, { file: { type: 'string' } });
  if (input === undefined) return;
  const id = positional('send', input.positionals, 0, 'CONNECTION_ID');
  const file = input.values.file;
  const data = await messageData('send', input.positionals[1], typeof file === 'string' ? file : undefined);
  await input.client.send(id, data);
  if (input.json) printJson({ connectionId: id, sent: true, bytes: data.length });
  else
    process.stdout.write(`${stylesFor(process.stdout, env).green('sent')} ${data.length} bytes to ${id}\n`);
}
