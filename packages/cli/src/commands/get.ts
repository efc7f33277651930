/** `switchboard get ID`: describes one connection (GET @connections/{id}). */
import { managementOptionsHelp, parseManagementCommand, positional } from '../management/management-flags.js';
import { printJson, stylesFor } from '../output/terminal.js';

export const getHelp = `Usage: switchboard get CONNECTION_ID [options]

Describes one connection: connectedAt, lastActiveAt, source IP and user agent.

${managementOptionsHelp}
Examples:
  switchboard get --endpoint http://127.0.0.1:8081/dev Ab3xYz0=
  switchboard get --endpoint http://127.0.0.1:8081/dev Ab3xYz0= --json | jq .identity
`;

interface Description {
  connectedAt?: string;
  lastActiveAt?: string;
  identity?: { sourceIp?: string; userAgent?: string };
}

export async function get(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const input = parseManagementCommand('get', argv, env, getHelp);
  if (input === undefined) return;
  const id = positional('get', input.positionals, 0, 'CONNECTION_ID');
  const description = (await input.client.get(id)) as Description;
  if (input.json) {
    printJson({ connectionId: id, ...description });
    return;
  }
  const { bold } = stylesFor(process.stdout, env);
  process.stdout.write(
    [
      `${bold('connectionId')}  ${id}`,
      `${bold('connectedAt')}   ${description.connectedAt ?? ''}`,
      `${bold('lastActiveAt')}  ${description.lastActiveAt ?? ''}`,
      `${bold('sourceIp')}      ${description.identity?.sourceIp ?? ''}`,
      `${bold('userAgent')}     ${description.identity?.userAgent ?? ''}`,
      '',
    ].join('\n'),
  );
}
