/**
 * The lines a started gateway prints on stdout: where clients connect, where the management API
 * and health endpoints are. Scripts may parse them: each is `  NAME  URL`.
 */
import type { RunningGateway } from '@switchboard/gateway';

export function printBanner(running: RunningGateway, backendUrl?: string): void {
  process.stdout.write(bannerText(running, backendUrl));
}

/** The banner's text; worker mode sends it to the primary, which prints it once. */
export function bannerText(running: RunningGateway, backendUrl?: string): string {
  const lines = [
    'Switchboard is running',
    `  clients     ${running.clientUrl}`,
    `  management  ${running.managementEndpoint}/@connections/{connectionId}`,
    `  health      ${running.adminUrl}/healthz`,
  ];
  if (running.scalerPort !== undefined) lines.push(`  scaler      grpc://${new URL(running.adminUrl).hostname}:${String(running.scalerPort)} (KEDA external scaler)`);
  if (backendUrl !== undefined) lines.push(`  backend     ${backendUrl}`);
  lines.push(`Try: npx wscat -c ${running.clientUrl}`, '');
  return lines.join('\n') + '\n';
}
