/**
 * The cluster bus conformance suite: what every adapter (embedded, Redis, NATS) must do, run by one
 * `*.test.ts` per adapter with a factory that joins two buses into one cluster.
 * @see packages/gateway/src/cluster/cluster-bus.ts
 */
import { describe, expect, it } from 'vitest';
import type { ClusterBus } from '../../src/cluster/cluster-bus.js';

export interface BusPair {
  readonly a: ClusterBus;
  readonly b: ClusterBus;
  close(): Promise<void>;
}

/** Runs the suite; `skip` is the reason the adapter's service is missing, if it is. */
export function clusterBusConformance(name: string, pair: () => Promise<BusPair>, skip?: string): void {
  describe.skipIf(skip !== undefined)(
    `cluster bus conformance: ${name}${skip === undefined ? '' : ` (skipped: ${skip})`}`,
    () => {
      const withPair = async (test: (buses: BusPair) => Promise<void>) => {
        const buses = await pair();
        try {
          await test(buses);
        } finally {
          await buses.close();
        }
      };

      it('is available once connected', () =>
        withPair(({ a, b }) => {
          expect(a.available).toBe(true);
          expect(b.available).toBe(true);
          return Promise.resolve();
        }));

      it('carries a request to the responder and its reply back, byte for byte', () =>
        withPair(async ({ a, b }) => {
          const seen: Buffer[] = [];
          await b.serve('node.echo', (payload) => {
            seen.push(payload);
            return Promise.resolve(Buffer.concat([Buffer.from('re:'), payload]));
          });
          const binary = Buffer.from([0, 255, 1, 254, 10, 13]);
          const reply = await a.request('node.echo', binary, 2000);
          expect(reply).toEqual(Buffer.concat([Buffer.from('re:'), binary]));
          expect(seen).toEqual([binary]);
        }));

      it('matches many concurrent requests with their replies', () =>
        withPair(async ({ a, b }) => {
          await b.serve('node.square', async (payload) => {
            const n = payload.readUInt32BE(0);
            const reply = Buffer.alloc(4);
            reply.writeUInt32BE(n * n);
            // Answer out of order.
            await new Promise((resolve) => setTimeout(resolve, n % 3));
            return reply;
          });
          const replies = await Promise.all(
            Array.from({ length: 100 }, async (_, n) => {
              const payload = Buffer.alloc(4);
              payload.writeUInt32BE(n);
              return (await a.request('node.square', payload, 5000)).readUInt32BE(0);
            }),
          );
          expect(replies).toEqual(Array.from({ length: 100 }, (_, n) => n * n));
        }));

      it('rejects a request nobody serves with SWB_ERR_CONNECTION_GONE, without waiting for the timeout', () =>
        withPair(async ({ a }) => {
          const started = Date.now();
          await expect(a.request('node.nobody', Buffer.from('x'), 5000)).rejects.toMatchObject({
            code: 'SWB_ERR_CONNECTION_GONE',
          });
          expect(Date.now() - started).toBeLessThan(4000);
        }));

      it('rejects with SWB_ERR_OWNER_TIMEOUT when the responder does not answer in time', () =>
        withPair(async ({ a, b }) => {
          let release: () => void = () => undefined;
          const held = new Promise<void>((resolve) => (release = resolve));
          await b.serve('node.slow', async () => {
            await held;
            return Buffer.from('late');
          });
          await expect(a.request('node.slow', Buffer.from('x'), 100)).rejects.toMatchObject({
            code: 'SWB_ERR_OWNER_TIMEOUT',
          });
          release();
        }));

      it('rejects with SWB_ERR_INTERNAL when the responder throws', () =>
        withPair(async ({ a, b }) => {
          await b.serve('node.broken', () => Promise.reject(new Error('boom')));
          await expect(a.request('node.broken', Buffer.from('x'), 2000)).rejects.toMatchObject({
            code: 'SWB_ERR_INTERNAL',
          });
        }));

      it('stops answering once the responder unsubscribed', () =>
        withPair(async ({ a, b }) => {
          const subscription = await b.serve('node.once', () => Promise.resolve(Buffer.from('ok')));
          expect((await a.request('node.once', Buffer.alloc(0), 2000)).toString()).toBe('ok');
          await subscription.unsubscribe();
          await expect(a.request('node.once', Buffer.alloc(0), 2000)).rejects.toMatchObject({
            code: expect.stringMatching(/SWB_ERR_CONNECTION_GONE|SWB_ERR_OWNER_TIMEOUT/) as unknown,
          });
        }));

      it('delivers a publish to every subscriber of the topic, the publisher included', () =>
        withPair(async ({ a, b }) => {
          const got = (bus: ClusterBus) =>
            new Promise<Buffer>((resolve) => {
              void bus.subscribe('members', resolve);
            });
          const atA = got(a);
          const atB = got(b);
          // Subscribing is awaited inside got(); give both a turn to finish before publishing.
          await Promise.all([a.subscribe('sync', () => undefined), b.subscribe('sync', () => undefined)]);
          await a.publish('members', Buffer.from('hello'));
          expect((await atA).toString()).toBe('hello');
          expect((await atB).toString()).toBe('hello');
        }));

      it('keeps several subscriptions to one topic apart, and stops one once it unsubscribed', () =>
        withPair(async ({ a, b }) => {
          const kept: string[] = [];
          const dropped: string[] = [];
          let onKept: () => void = () => undefined;
          let onDropped: () => void = () => undefined;
          await b.subscribe('topic', (payload) => {
            kept.push(payload.toString());
            onKept();
          });
          const subscription = await b.subscribe('topic', (payload) => {
            dropped.push(payload.toString());
            onDropped();
          });
          const first = Promise.all([
            new Promise<void>((resolve) => (onKept = resolve)),
            new Promise<void>((resolve) => (onDropped = resolve)),
          ]);
          await a.publish('topic', Buffer.from('1'));
          await first;
          await subscription.unsubscribe();
          const second = new Promise<void>((resolve) => (onKept = resolve));
          await a.publish('topic', Buffer.from('2'));
          await second;
          // A request round trip through both buses lets a wrongly kept delivery arrive before we look.
          await b.serve('node.sync', () => Promise.resolve(Buffer.alloc(0)));
          await a.request('node.sync', Buffer.alloc(0), 2000);
          expect(kept).toEqual(['1', '2']);
          expect(dropped).toEqual(['1']);
        }));
    },
  );
}
