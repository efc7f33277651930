/**
 * The chat-with-rooms example end to end: backend.mjs (run with node, stopped by pid) behind a real
 * gateway; rooms are groups joined from the `$connect` and `join` responses, and a `say` reaches the
 * room's members only, through one `POST @groups/{name}`.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient } from '../../../packages/gateway/test/helpers/client.js';
import { startTestGateway } from '../../../packages/gateway/test/helpers/gateway.js';
import { spawnProcess, stopAllCliProcesses } from '../../../packages/cli/test/helpers/cli-process.js';

const backendScript = fileURLToPath(new URL('../backend.mjs', import.meta.url));

afterEach(async () => {
  await stopAllCliProcesses();
});

describe('chat with groups', () => {
  it('delivers a message to the members of its room only, and moves a client between rooms', async () => {
    const backend = spawnProcess(process.execPath, [backendScript, '--port', '0']);
    const [, url = ''] = await backend.waitForLine(/^listening on (http:\/\/\S+)$/);
    await using gateway = await startTestGateway({
      routes: {
        $connect: { integration: 'connect' },
        join: { integration: 'join', twoWay: true },
        say: { integration: 'say' },
        $default: { integration: 'help', twoWay: true },
      },
      integrations: {
        connect: { uri: `${url}/connect` },
        join: { uri: `${url}/join` },
        say: { uri: `${url}/say` },
        help: { uri: `${url}/help` },
      },
    });
    await using alice = await connectClient(gateway.url('dev', 'room=blue'));
    await using bob = await connectClient(gateway.url('dev', 'room=blue'));
    await using carol = await connectClient(gateway.url('dev', 'room=green'));

    alice.send(JSON.stringify({ action: 'say', room: 'blue', text: 'hi blue' }));
    expect(JSON.parse(await alice.next())).toMatchObject({ room: 'blue', text: 'hi blue' });
    expect(JSON.parse(await bob.next())).toMatchObject({ room: 'blue', text: 'hi blue' });
    await backend.waitForLine(/^say blue 200 \{"connections":2,"nodes":1,"unreachableNodes":0\}$/);

    carol.send(JSON.stringify({ action: 'say', room: 'green', text: 'hi green' }));
    // Carol's first frame is her own room's message: she never got the blue one.
    expect(JSON.parse(await carol.next())).toMatchObject({ room: 'green', text: 'hi green' });

    bob.send(JSON.stringify({ action: 'join', room: 'green', leave: 'blue' }));
    expect(await bob.next()).toBe('joined green');
    carol.send(JSON.stringify({ action: 'say', room: 'green', text: 'welcome bob' }));
    expect(JSON.parse(await bob.next())).toMatchObject({ text: 'welcome bob' });
    expect(JSON.parse(await carol.next())).toMatchObject({ text: 'welcome bob' });
    alice.send(JSON.stringify({ action: 'say', room: 'blue', text: 'anyone?' }));
    expect(JSON.parse(await alice.next())).toMatchObject({ text: 'anyone?' });
    await backend.waitForLine(/^say blue 200 \{"connections":1,/);

    alice.send('what now?');
    expect(await alice.next()).toContain('"action":"say"');
  });
});
