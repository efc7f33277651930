/** `switchboard delete ID`: closes one connection (DELETE @connections/{id}); the gateway calls `$disconnect`. */
import { managementOptionsHelp, parseManagementCommand, positional } from '../management/management-flags.js';
import { printJson, stylesFor } from '../output/terminal.js';

export const deleteHelp = `Usage: switchboard delete CONNECTION_ID [options]

Disconnects one connection, as DELETE /{stage}/@connections/{id} does; the gateway
then calls the $disconnect route.

${managementOptionsHelp}
Examples:
  switchboard delete --endpoint http://127.0.0.1:8081/dev Ab3xYz0=
  switchboard delete --endpoint http://127.0.0.1:8081/dev Ab3xYz0= || echo "already gone: exit $?"
`;

export async function deleteConnection(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const input = parseManagementCommand('delete', argv, env, deleteHelp);
  if (input === undefined) return;
  const id = positional('delete', input.positionals, 0, 'CONNECTION_ID');
  await input.client.delete(id);
  if (input.json) printJson({ connectionId: id, deleted: true });
  else process.stdout.write(`${stylesFor(process.stdout, env).green('disconnected')} ${id}\n`);
}
