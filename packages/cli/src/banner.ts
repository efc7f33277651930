/**
 * The lines a started gateway prints on stdout: where clients connect, where the management API
 * and health endpoints are. Scripts may parse them: each is `  NAME  URL`.
 */
import type { RunningGateway } from '@switchboard/gateway';

export function printBanner(running: RunningGateway, backendUrl?: string): void {
  const lines = [
    'Switchboard is running',
    `  clients     ${running.clientUrl}`,
    `  management  ${running.managementEndpoint}/@connections/{connectionId}`,
    `  health      ${running.adminUrl}/healthz`,
  ];
  if (backendUrl !== undefined) lines.push(`  backend     ${backendUrl}`);
  lines.push(`Try: npx wscat -c ${running.clientUrl}`, '');
  process.stdout.write(lines.join('\n') + '\n');
}
