/**
 * The lines a started gateway prints on stdout: where clients connect, where the management API,
 * health endpoints and dashboard are, and which listeners other machines can reach. Scripts may
 * parse the URL lines: each is `  NAME  URL`, and the last line starts with `Try:`.
 */
import type { Config, RunningGateway } from '@switchboard/gateway';

export function printBanner(running: RunningGateway, config: Config, backendUrl?: string): void {
  process.stdout.write(bannerText(running, config, backendUrl));
}

/** The banner's text; worker mode sends it to the primary, which prints it once. */
export function bannerText(running: RunningGateway, config: Config, backendUrl?: string): string {
  const lines = [
    'Switchboard is running',
    `  clients     ${running.clientUrl}`,
    `  management  ${running.managementEndpoint}/@connections/{connectionId}`,
    `  health      ${running.adminUrl}/healthz`,
  ];
  if (config.dashboard.enabled) lines.push(`  dashboard   ${running.adminUrl}/${dashboardNote(config.admin.auth.mode)}`);
  if (running.scalerPort !== undefined) lines.push(`  scaler      grpc://${new URL(running.adminUrl).hostname}:${String(running.scalerPort)} (KEDA external scaler)`);
  if (backendUrl !== undefined) lines.push(`  backend     ${backendUrl}`);
  lines.push(
    ...exposureLine('client', 'listen.host', config.listen.host, running.clientPort),
    ...exposureLine('admin', 'admin.host', config.admin.host, running.adminPort),
    `Try: npx wscat -c ${running.clientUrl}`,
    '',
  );
  return lines.join('\n') + '\n';
}

/** How to open the dashboard when the admin listener checks callers (docs/dashboard.md). */
function dashboardNote(mode: Config['admin']['auth']['mode']): string {
  switch (mode) {
    case 'off':
      return '';
    case 'bearer':
      return '  (open /?token=TOKEN once, with one of admin.auth.bearerTokens)';
    case 'any-signature':
    case 'verify':
      return '  (answers 403: a browser cannot sign SigV4; see docs/dashboard.md)';
  }
}

/** True for the wildcard addresses: a listener bound to one accepts on every interface. */
function isEveryInterface(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

/**
 * The plain statement that a listener bound to every interface is reachable from other machines
 * (its URL above says 127.0.0.1, which alone would suggest a local-only gateway), and how to keep it
 * local; nothing for a listener bound to one address, which its URL already names.
 */
function exposureLine(what: string, setting: string, host: string, port: number): string[] {
  if (!isEveryInterface(host)) return [];
  return [
    `Reachable from the network: the ${what} listener is bound to ${host} (every interface), port ${String(port)}; --set ${setting}=127.0.0.1 keeps it local.`,
  ];
}
