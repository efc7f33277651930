/**
 * A backend that is not running (nothing listens on its port) and has never answered: the client
 * gets AWS's error answer at once, not after the 29 s integration timeout, and the gateway logs a
 * warning naming the integration and the replica that refused, once, however many messages fail.
 */
import { describe, expect, it } from 'vitest';
import { unusedUrl } from '../helpers/backend.js';
import { connectClient, refusedStatus } from '../helpers/client.js';
import { startLoggedGateway, type LogLine } from '../helpers/logged-gateway.js';

/** Well under the default integration timeout (29 s), with room for a loaded machine. */
const PROMPTLY_MS = 3_000;
const FRAME = /^\{"message": "Internal server error", "connectionId":"[^"]+", "requestId":"[^"]+"\}$/;

function refusalWarnings(lines: readonly LogLine[]): LogLine[] {
  return lines.filter((line) => line.level === 40 && line.msg.includes('every backend replica refused the connection'));
}

describe('a backend that is down', () => {
  it('answers a message with the Internal server error frame at once, and warns once naming the integration and replica', async () => {
    const down = await unusedUrl();
    const lines: LogLine[] = [];
    await using gateway = await startLoggedGateway(
      {
        // The default integration timeout (29 s) applies.
        integrations: { message: { uri: `${down}/message` } },
        routes: { $default: { integration: 'message', twoWay: true } },
      },
      lines,
    );
    await using client = await connectClient(gateway.url);
    for (let i = 0; i < 3; i += 1) {
      const started = Date.now();
      client.send(`hello ${i}`);
      expect(await client.next()).toMatch(FRAME);
      expect(Date.now() - started).toBeLessThan(PROMPTLY_MS);
    }
    const warnings = refusalWarnings(lines);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ integration: 'message', refused: [down], code: 'SWB_ERR_BACKEND_UNREACHABLE' });
    expect(warnings[0]?.msg).toContain(down);
    // Each failed message still has its own line, naming the replica.
    const failed = lines.filter((line) => line.msg === 'integration failed');
    expect(failed).toHaveLength(3);
    expect(failed[0]?.err?.message).toContain(`backend ${down}/message could not be reached (ECONNREFUSED)`);
  });

  it('refuses a $connect with 502 at once', async () => {
    const down = await unusedUrl();
    const lines: LogLine[] = [];
    await using gateway = await startLoggedGateway(
      { integrations: { connect: { uri: `${down}/connect` } }, routes: { $connect: { integration: 'connect' } } },
      lines,
    );
    const started = Date.now();
    expect(await refusedStatus(gateway.url)).toEqual({ status: 502, body: '{"message": "Internal server error"}' });
    expect(Date.now() - started).toBeLessThan(PROMPTLY_MS);
    expect(refusalWarnings(lines)).toEqual([expect.objectContaining({ integration: 'connect', refused: [down] })]);
  });
});
