/**
 * `switchboard list`: every open connection of the stage, page by page (Switchboard's GET
 * @connections), with a progress line on a terminal. `--limit` caps how many are printed.
 */
import { GatewayError } from '@switchboard/gateway';
import { managementOptionsHelp, parseManagementCommand } from '../management/management-flags.js';
import { printJson, progressLine, stylesFor } from '../output/terminal.js';

export const listHelp = `Usage: switchboard list [options]

Lists the open connections of the endpoint's stage, one per line (id, connectedAt,
lastActiveAt, source IP), fetching page after page.

Options:
  --limit N                print at most N connections (default: all)
  --page-size N            connections per request, 1 to 1000 (default 500)
${managementOptionsHelp}
Examples:
  switchboard list --endpoint http://127.0.0.1:8081/dev
  switchboard list --endpoint http://127.0.0.1:8081/dev --json | jq -r '.items[].connectionId'
  switchboard list --endpoint http://127.0.0.1:8081/dev --limit 20
`;

interface Summary {
  connectionId?: string;
  connectedAt?: string;
  lastActiveAt?: string;
  identity?: { sourceIp?: string };
}

export async function list(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const input = parseManagementCommand('list', argv, env, listHelp, {
    limit: { type: 'string' },
    'page-size': { type: 'string' },
  });
  if (input === undefined) return;
  const limit = wholeFlag('limit', input.values.limit, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const pageSize = wholeFlag('page-size', input.values['page-size'], 500, 1000);
  const items: Summary[] = [];
  const progress = progressLine('listing connections');
  let nextToken: string | undefined;
  try {
    do {
      const page = await input.client.listPage(Math.min(pageSize, limit - items.length), nextToken);
      items.push(...(page.items as Summary[]));
      nextToken = page.nextToken;
      progress.update(items.length);
    } while (nextToken !== undefined && items.length < limit);
  } finally {
    progress.finish();
  }
  if (input.json) {
    printJson({ items, ...(nextToken === undefined ? {} : { truncated: true }) });
    return;
  }
  const { bold, dim } = stylesFor(process.stdout, env);
  const lines = items.map((item) =>
    [
      item.connectionId ?? '',
      item.connectedAt ?? '',
      item.lastActiveAt ?? '',
      item.identity?.sourceIp ?? '',
    ].join('  '),
  );
  process.stdout.write(
    `${bold('connectionId  connectedAt  lastActiveAt  sourceIp')}\n${lines.map((line) => `${line}\n`).join('')}${dim(`${items.length} connection${items.length === 1 ? '' : 's'}${nextToken === undefined ? '' : ' (more not shown)'}`)}\n`,
  );
}

function wholeFlag(name: string, value: string | boolean | undefined, fallback: number, max: number): number {
  if (typeof value !== 'string') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max)
    throw new GatewayError(
      'SWB_ERR_CLI_USAGE',
      `switchboard list: --${name} must be a whole number from 1 to ${max}, got "${value}"`,
    );
  return number;
}
