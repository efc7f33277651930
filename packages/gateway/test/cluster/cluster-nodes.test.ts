/**
 * Three in-process gateway nodes joined by a real Redis, then by a real NATS: management calls from
 * any node for a connection on another (POST, GET, DELETE), groups joined by header and by the API,
 * group publish and broadcast across nodes, and cluster-wide figures.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ApiGatewayManagementApiClient,
  GetConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { groupHeaders } from '@switchboard/protocol';
import { ownerTagOf } from '../../src/cluster/node-tag.js';
import { startTestBackend, type TestBackend } from '../helpers/backend.js';
import { connectClient, type TestClient } from '../helpers/client.js';
import { missingService, natsUrl, randomPrefix, redisUrl } from '../helpers/cluster-services.js';
import { routesTo, startTestGateway, type TestGateway } from '../helpers/gateway.js';

for (const kind of ['redis', 'nats'] as const) {
  const missing = await missingService(kind);
  describe.skipIf(missing !== undefined)(
    `3 nodes on ${kind}${missing === undefined ? '' : ` (skipped: ${missing})`}`,
    () => {
      let backend: TestBackend;
      let nodes: TestGateway[] = [];
      const clients: TestClient[] = [];
      let nextClient = 0;

      beforeAll(async () => {
        backend = await startTestBackend((request, response) => {
          // $connect asks for group "lobby" when the client's query says so; a message "join:NAME" joins NAME.
          const headers: Record<string, string> = {};
          if (request.path.startsWith('/connect') && request.headers['x-test-lobby'] === 'yes')
            headers[groupHeaders.join] = 'lobby';
          const body = request.body.toString();
          if (request.path.startsWith('/message') && body.startsWith('join:'))
            headers[groupHeaders.join] = body.slice(5);
          if (request.path.startsWith('/message') && body.startsWith('leave:'))
            headers[groupHeaders.leave] = body.slice(6);
          response.writeHead(200, headers);
          response.end(request.path.startsWith('/message') ? `ok ${body}` : undefined);
        });
        const prefix = randomPrefix();
        const cluster = {
          bus: kind,
          prefix,
          redis: { url: redisUrl },
          nats: { servers: [natsUrl] },
          heartbeatMs: 100,
          leaseMs: 1000,
          ownerTimeoutMs: 1000,
          reconnectMs: 50,
        };
        nodes = await Promise.all(
          [0, 1, 2].map((n) =>
            startTestGateway({ ...routesTo(backend.url), cluster: { ...cluster, nodeId: `node-${n}` } }),
          ),
        );
        // Every node has heard every other once its cluster figures count them.
        await vi.waitFor(() => {
          for (const node of nodes) expect(node.gateway.cluster.peers()).toHaveLength(2);
        });
      });

      afterAll(async () => {
        await Promise.all(clients.map((client) => client.close()));
        await Promise.all(nodes.map((node) => node.close()));
        await backend.close();
      });

      /** Connects to `node` and returns the client with its connection id (from the $connect call). */
      async function connectTo(
        node: TestGateway,
        headers: Record<string, string> = {},
      ): Promise<{ client: TestClient; id: string }> {
        const tag = String(nextClient++);
        const client = await connectClient(node.url(), undefined, {
          headers: { ...headers, 'x-test-client': tag },
        });
        clients.push(client);
        const connect = backend.requests.findLast(
          (request) => request.path.startsWith('/connect') && request.headers['x-test-client'] === tag,
        );
        const id = connect?.headers['x-switchboard-connection-id'];
        if (typeof id !== 'string') throw new Error('no $connect seen for the client');
        return { client, id };
      }

      const admin = (node: TestGateway, path: string, init: RequestInit = {}) =>
        fetch(`${node.adminUrl}${path}`, init);

      it('POST, GET and DELETE on any node reach the connection on its owner', async () => {
        const [a, b, c] = nodes as [TestGateway, TestGateway, TestGateway];
        const { client, id } = await connectTo(a);
        expect(id).toMatch(/^[A-Za-z0-9_-]{15}=$/);

        const viaB = await admin(b, `/dev/@connections/${encodeURIComponent(id)}`, {
          method: 'POST',
          body: 'from b',
        });
        expect(viaB.status).toBe(200);
        expect(await client.next()).toBe('from b');
        const viaC = await admin(c, `/@connections/${encodeURIComponent(id)}`, {
          method: 'POST',
          body: Buffer.from('from c'),
        });
        expect(viaC.status).toBe(200);
        expect(await client.next()).toBe('from c');

        const described = await admin(c, `/dev/@connections/${encodeURIComponent(id)}`);
        expect(described.status).toBe(200);
        expect(described.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
        const body = (await described.json()) as { connectedAt: string; identity: { sourceIp: string } };
        expect(body.identity.sourceIp).toBe('127.0.0.1');
        expect(Date.parse(body.connectedAt)).toBeGreaterThan(0);

        const wrongStage = await admin(b, `/prod/@connections/${encodeURIComponent(id)}`, {
          method: 'POST',
          body: 'x',
        });
        expect(wrongStage.status).toBe(403);

        // The AWS SDK, pointed at another node, works the same.
        const sdk = new ApiGatewayManagementApiClient({
          endpoint: c.managementEndpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
          maxAttempts: 1,
        });
        await sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'from the sdk' }));
        expect(await client.next()).toBe('from the sdk');
        expect((await sdk.send(new GetConnectionCommand({ ConnectionId: id }))).Identity?.SourceIp).toBe(
          '127.0.0.1',
        );

        const deleted = await admin(b, `/dev/@connections/${encodeURIComponent(id)}`, { method: 'DELETE' });
        expect(deleted.status).toBe(204);
        expect((await client.closed).code).toBe(1000);
        const after = await admin(c, `/dev/@connections/${encodeURIComponent(id)}`, {
          method: 'POST',
          body: 'late',
        });
        expect(after.status).toBe(410);
        expect(after.headers.get('x-amzn-errortype')).toBe('GoneException');
        await expect(
          sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'gone' })),
        ).rejects.toBeInstanceOf(GoneException);
        sdk.destroy();
      });

      it('answers 410 for an id of a node that never existed, without waiting for the owner timeout', async () => {
        // Only once its bus has been up a whole lease can a node tell a tag it never heard from a node
        // cut off from the bus (which answers 503 until then): the id's tag is 00000000.
        await vi.waitFor(() => expect((nodes[0] as TestGateway).gateway.cluster.membership.isGone('00000000')).toBe(true), {
          timeout: 5000,
        });
        const started = Date.now();
        const response = await admin(nodes[0] as TestGateway, '/dev/@connections/AAAAAAAAAAAAAAA=', {
          method: 'POST',
          body: 'x',
        });
        expect(response.status).toBe(410);
        expect(Date.now() - started).toBeLessThan(900);
      });

      it('publishes to a group across nodes, joined by $connect header, by message response header and by the API', async () => {
        const [a, b, c] = nodes as [TestGateway, TestGateway, TestGateway];
        const byHeader = await connectTo(a, { 'x-test-lobby': 'yes' });
        const byMessage = await connectTo(b);
        byMessage.client.send('join:lobby');
        expect(await byMessage.client.next()).toBe('ok join:lobby');
        const byApi = await connectTo(c);
        const outsider = await connectTo(c);
        const joined = await admin(a, `/dev/@groups/lobby/${encodeURIComponent(byApi.id)}`, {
          method: 'PUT',
        });
        expect(joined.status).toBe(204);

        const published = await admin(b, '/dev/@groups/lobby', { method: 'POST', body: 'to the lobby' });
        expect(published.status).toBe(200);
        expect(await published.json()).toEqual({ connections: 3, nodes: 3, unreachableNodes: 0 });
        for (const member of [byHeader, byMessage, byApi])
          expect(await member.client.next()).toBe('to the lobby');

        const left = await admin(b, `/%40/dev/@groups/lobby/${encodeURIComponent(byApi.id)}`, {
          method: 'DELETE',
        });
        expect(left.status).toBe(403); // a malformed path is not a groups path
        const leftProperly = await admin(b, `/dev/%40groups/lobby/${encodeURIComponent(byApi.id)}`, {
          method: 'DELETE',
        });
        expect(leftProperly.status).toBe(204);
        byMessage.client.send('leave:lobby');
        expect(await byMessage.client.next()).toBe('ok leave:lobby');
        const again = await admin(c, '/dev/@groups/lobby', { method: 'POST', body: 'second' });
        expect(await again.json()).toEqual({ connections: 1, nodes: 3, unreachableNodes: 0 });
        expect(await byHeader.client.next()).toBe('second');

        // The outsider got nothing: the next frame it sees is one sent to it alone.
        await admin(a, `/dev/@connections/${encodeURIComponent(outsider.id)}`, {
          method: 'POST',
          body: 'only you',
        });
        expect(await outsider.client.next()).toBe('only you');

        const badName = await admin(a, '/dev/@groups/bad%20name', { method: 'POST', body: 'x' });
        expect(badName.status).toBe(400);
      });

      it('broadcasts to every connection of the stage on every node and counts them', async () => {
        const fresh = await Promise.all(nodes.map((node) => connectTo(node)));
        // Two more connections on every node: the bus still carries one request per other node.
        await Promise.all(nodes.flatMap((node) => [connectTo(node), connectTo(node)]));
        const open = clients.filter((client) => client.ws.readyState === client.ws.OPEN);
        const requests = vi.spyOn((nodes[1] as TestGateway).gateway.cluster.bus, 'request');
        const response = await admin(nodes[1] as TestGateway, '/dev/@broadcast', {
          method: 'POST',
          body: 'everyone',
        });
        expect(response.status).toBe(200);
        expect(requests).toHaveBeenCalledTimes(2);
        requests.mockRestore();
        const result = (await response.json()) as { connections: number; nodes: number };
        expect(result).toEqual({ connections: open.length, nodes: 3, unreachableNodes: 0 });
        for (const { client } of fresh) expect(await client.next()).toBe('everyone');
        // Non-UTF-8 data while binary frames are rejected: refused before anything is sent.
        const binary = await admin(nodes[0] as TestGateway, '/dev/@broadcast', {
          method: 'POST',
          body: Buffer.from([0xff, 0xfe]),
        });
        expect(binary.status).toBe(400);
        expect(binary.headers.get('x-switchboard-error-code')).toBe('SWB_ERR_BAD_REQUEST');
      });

      it('knows the cluster-wide open connections on every node', async () => {
        const open = clients.filter((client) => client.ws.readyState === client.ws.OPEN).length;
        for (const node of nodes) expect(node.gateway.figures.scope).toBe('cluster');
        await vi.waitFor(async () => {
          for (const node of nodes) expect((await node.gateway.figures.read('dev')).connections).toBe(open);
          // Only node 1's clients sent messages; node 2 knows the rate from node 1's heartbeats.
          expect(
            (await (nodes[2] as TestGateway).gateway.figures.read('dev')).messagesPerSecond,
          ).toBeGreaterThan(0);
          // $connect attempts add up across nodes too: they are what wakes a backend scaled to zero.
          for (const node of nodes) expect((await node.gateway.figures.read('dev')).connectAttempts).toBeGreaterThanOrEqual(clients.length);
        });
      });

      it('stops a node gracefully: its clients close with 1001, reconnect to another node, and its old ids answer 410 at once', async () => {
        const [a, b] = nodes as [TestGateway, TestGateway, TestGateway];
        const before = await connectTo(a);
        await a.close();
        expect((await before.client.closed).code).toBe(1001);
        // a said it was leaving, so b answers 410 without asking it, the owner timeout or the lease.
        await vi.waitFor(() =>
          expect(b.gateway.cluster.membership.isGone(ownerTagOf(before.id) ?? '')).toBe(true),
        );
        const started = Date.now();
        const stale = await admin(b, `/dev/@connections/${encodeURIComponent(before.id)}`, {
          method: 'POST',
          body: 'x',
        });
        expect(stale.status).toBe(410);
        expect(Date.now() - started).toBeLessThan(500);
        const after = await connectTo(b);
        expect(after.id).not.toBe(before.id);
        const pushed = await admin(
          nodes[2] as TestGateway,
          `/dev/@connections/${encodeURIComponent(after.id)}`,
          { method: 'POST', body: 'welcome back' },
        );
        expect(pushed.status).toBe(200);
        expect(await after.client.next()).toBe('welcome back');
      });
    },
  );
}
