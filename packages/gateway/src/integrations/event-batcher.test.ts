// Unit tests for EventBatcher: the events of one event-loop turn leave together at setImmediate, a
// full batch leaves at once, a batch stops growing at MAX_BATCH_BYTES, each caller gets its own
// result in order, and a failed batch fails every event in it. No sockets, no timers.
import { describe, expect, it } from 'vitest';
import { EventBatcher, MAX_BATCH_BYTES, type EventWriter } from './event-batcher.js';

/** Events as JSON text (the integrations hand bytes or write their own; text keeps these tests readable). */
const jsonText: EventWriter<string> = (json, room, at) => at + room(json.length * 3).write(json, at);

interface SentBatch {
  readonly body: string;
  readonly count: number;
  resolve(results: readonly unknown[]): void;
  reject(error: unknown): void;
}

/** A SendBatch that records each batch (its body as text) and lets the test answer it. */
function recorder(): {
  sent: SentBatch[];
  send: (body: Buffer, count: number) => Promise<readonly unknown[]>;
} {
  const sent: SentBatch[] = [];
  return {
    sent,
    send(body, count) {
      return new Promise((resolve, reject) => sent.push({ body: body.toString(), count, resolve, reject }));
    },
  };
}

/** Resolves after the setImmediate callbacks already queued have run (the batcher's flush). */
const afterTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('EventBatcher', () => {
  it('sends the events handed over in one turn as one JSON array, at the end of the turn', async () => {
    const { sent, send } = recorder();
    const batcher = new EventBatcher(send, 10);
    const results = [batcher.add('{"n":1}', jsonText), batcher.add('{"n":2}', jsonText), batcher.add('"three"', jsonText)];
    expect(sent).toHaveLength(0);
    await afterTurn();
    expect(sent.map(({ body, count }) => ({ body, count }))).toEqual([
      { body: '[{"n":1},{"n":2},"three"]', count: 3 },
    ]);
    expect(JSON.parse(sent[0]?.body ?? '')).toEqual([{ n: 1 }, { n: 2 }, 'three']);
    sent[0]?.resolve(['a', 'b', 'c']);
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
  });

  it('sends one event alone, as an array of one, when nothing else arrives in its turn', async () => {
    const { sent, send } = recorder();
    const batcher = new EventBatcher(send, 10);
    const result = batcher.add('{"only":true}', jsonText);
    await afterTurn();
    expect(sent.map(({ body, count }) => ({ body, count }))).toEqual([{ body: '[{"only":true}]', count: 1 }]);
    sent[0]?.resolve([{ statusCode: 200 }]);
    expect(await result).toEqual({ statusCode: 200 });
  });

  it('keeps the events of different turns in different batches', async () => {
    const { sent, send } = recorder();
    const batcher = new EventBatcher(send, 10);
    const first = batcher.add('1', jsonText);
    const second = batcher.add('2', jsonText);
    await afterTurn();
    const third = batcher.add('3', jsonText);
    await afterTurn();
    expect(sent.map(({ body }) => body)).toEqual(['[1,2]', '[3]']);
    sent[1]?.resolve(['c']);
    sent[0]?.resolve(['a', 'b']);
    expect(await Promise.all([first, second, third])).toEqual(['a', 'b', 'c']);
  });

  it('sends a full batch at once, without waiting for the end of the turn, and the rest at the end', async () => {
    const { sent, send } = recorder();
    const batcher = new EventBatcher(send, 3);
    const results = ['1', '2', '3', '4', '5'].map((json) => batcher.add(json, jsonText));
    // The Promise executor runs synchronously: the full batch has already left.
    expect(sent.map(({ body, count }) => ({ body, count }))).toEqual([{ body: '[1,2,3]', count: 3 }]);
    await afterTurn();
    expect(sent.map(({ body, count }) => ({ body, count }))).toEqual([
      { body: '[1,2,3]', count: 3 },
      { body: '[4,5]', count: 2 },
    ]);
    sent[0]?.resolve(['r1', 'r2', 'r3']);
    sent[1]?.resolve(['r4', 'r5']);
    expect(await Promise.all(results)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
  });

  it('sends every event alone with maxEvents 1', async () => {
    const { sent, send } = recorder();
    const batcher = new EventBatcher(send, 1);
    void batcher.add('1', jsonText);
    void batcher.add('2', jsonText);
    expect(sent.map(({ body }) => body)).toEqual(['[1]', '[2]']);
    await afterTurn();
    expect(sent).toHaveLength(2);
  });

  it('gives each caller the result at its own position, whatever order the batches settle in', async () => {
    const { sent, send } = recorder();
    const batcher = new EventBatcher(send, 100);
    const results = Array.from({ length: 50 }, (_, i) => batcher.add(JSON.stringify({ i }), jsonText));
    await afterTurn();
    expect(sent).toHaveLength(1);
    const events = JSON.parse(sent[0]?.body ?? '') as { i: number }[];
    expect(events.map((event) => event.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    sent[0]?.resolve(events.map((event) => ({ statusCode: 200, body: `#${event.i}` })));
    const answered = (await Promise.all(results)) as { body: string }[];
    expect(answered.map((result) => result.body)).toEqual(Array.from({ length: 50 }, (_, i) => `#${i}`));
  });

  it('rejects every event of a failed batch with the same error, and leaves other batches alone', async () => {
    const { sent, send } = recorder();
    const batcher = new EventBatcher(send, 2);
    const results = ['1', '2', '3'].map((json) => batcher.add(json, jsonText));
    await afterTurn();
    expect(sent.map(({ body }) => body)).toEqual(['[1,2]', '[3]']);
    const failure = new Error('backend down');
    sent[0]?.reject(failure);
    sent[1]?.resolve(['fine']);
    const settled = await Promise.allSettled(results);
    expect(settled).toEqual([
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
      { status: 'fulfilled', value: 'fine' },
    ]);
    const [first, second] = settled as PromiseRejectedResult[];
    expect(first?.reason).toBe(second?.reason);
  });

  it('carries on after a failed batch', async () => {
    const { sent, send } = recorder();
    const batcher = new EventBatcher(send, 10);
    const failed = batcher.add('1', jsonText);
    await afterTurn();
    sent[0]?.reject(new Error('boom'));
    await expect(failed).rejects.toThrow('boom');
    const next = batcher.add('2', jsonText);
    await afterTurn();
    expect(sent.map(({ body }) => body)).toEqual(['[1]', '[2]']);
    sent[1]?.resolve(['ok']);
    expect(await next).toBe('ok');
  });

  it('sends nothing on a flush with nothing waiting, nor at the end of a turn whose batch already left', async () => {
    const { sent, send } = recorder();
    const batcher = new EventBatcher(send, 2);
    batcher.flush();
    expect(sent).toHaveLength(0);
    void batcher.add('1', jsonText);
    void batcher.add('2', jsonText);
    expect(sent).toHaveLength(1);
    batcher.flush();
    await afterTurn();
    expect(sent).toHaveLength(1);
  });

  it('sends what is waiting on an explicit flush', async () => {
    const { sent, send } = recorder();
    const batcher = new EventBatcher(send, 10);
    const result = batcher.add('1', jsonText);
    batcher.flush();
    expect(sent.map(({ body }) => body)).toEqual(['[1]']);
    await afterTurn();
    expect(sent).toHaveLength(1);
    sent[0]?.resolve(['x']);
    expect(await result).toBe('x');
  });

  it('writes every event whole as UTF-8, across the growth of its buffer, whatever its characters', async () => {
    const { sent, send } = recorder();
    const batcher = new EventBatcher(send, 1000);
    // 2 batches of 200 events of about 1 KB each: past the first buffer (16 KB, then the last size).
    const texts = ['plain', 'é accents', '漢字 three bytes', '😀 four-byte pairs', 'quote " and \\ and \n'];
    for (let round = 0; round < 2; round += 1) {
      const events = Array.from({ length: 200 }, (_, i) => ({ i, text: (texts[i % texts.length] ?? '').repeat(40) }));
      for (const event of events) void batcher.add(JSON.stringify(event), jsonText);
      await afterTurn();
      expect(JSON.parse(sent[round]?.body ?? '')).toEqual(events);
    }
    expect(sent.map(({ count }) => count)).toEqual([200, 200]);
  });

  describe('the byte cap', () => {
    const event = (size: number, fill = 'x') => JSON.stringify(fill.repeat(size - 2));

    it('starts a new batch before one would grow past MAX_BATCH_BYTES', async () => {
      const { sent, send } = recorder();
      const batcher = new EventBatcher(send, 1000);
      const size = 300_000;
      const results = [1, 2, 3, 4].map(() => batcher.add(event(size), jsonText));
      // Three events fit in 1 MiB, the fourth would not: the three leave at once.
      expect(sent.map(({ count }) => count)).toEqual([3]);
      await afterTurn();
      expect(sent.map(({ count }) => count)).toEqual([3, 1]);
      for (const batch of sent) expect(Buffer.byteLength(batch.body)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
      sent[0]?.resolve(['a', 'b', 'c']);
      sent[1]?.resolve(['d']);
      expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
    });

    it('sends an event larger than MAX_BATCH_BYTES alone, without holding back the events before it', async () => {
      const { sent, send } = recorder();
      const batcher = new EventBatcher(send, 1000);
      void batcher.add('"small"', jsonText);
      void batcher.add(event(MAX_BATCH_BYTES + 10), jsonText);
      void batcher.add('"after"', jsonText);
      await afterTurn();
      expect(sent.map(({ count }) => count)).toEqual([1, 1, 1]);
      expect(sent[0]?.body).toBe('["small"]');
      expect(sent[1]?.body.length).toBe(MAX_BATCH_BYTES + 12);
      expect(sent[2]?.body).toBe('["after"]');
    });

    it('counts bytes, not UTF-16 code units: a batch of non-ASCII events stays within MAX_BATCH_BYTES of UTF-8', async () => {
      const { sent, send } = recorder();
      const batcher = new EventBatcher(send, 1000);
      // 100 000 three-byte characters: 100 002 code units, 300 002 bytes of UTF-8 each.
      for (let i = 0; i < 8; i += 1) void batcher.add(event(100_002, '漢'), jsonText);
      await afterTurn();
      for (const batch of sent) expect(Buffer.byteLength(batch.body)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    });
  });

  describe('with a limit on batches in flight', () => {
    it('holds a partial batch while the limit is reached and sends it, grown, once a batch is answered', async () => {
      const { sent, send } = recorder();
      const batcher = new EventBatcher(send, 10, 1);
      const first = batcher.add('1', jsonText);
      await afterTurn();
      expect(sent.map((batch) => batch.body)).toEqual(['[1]']);
      const waiting = [batcher.add('2', jsonText), batcher.add('3', jsonText)];
      await afterTurn();
      const later = batcher.add('4', jsonText);
      await afterTurn();
      // One batch is out: the others wait and grow across turns.
      expect(sent).toHaveLength(1);
      sent[0]?.resolve(['r1']);
      expect(await first).toBe('r1');
      await afterTurn();
      expect(sent.map((batch) => batch.body)).toEqual(['[1]', '[2,3,4]']);
      sent[1]?.resolve(['r2', 'r3', 'r4']);
      expect(await Promise.all([...waiting, later])).toEqual(['r2', 'r3', 'r4']);
    });

    it('still sends a full batch at once', async () => {
      const { sent, send } = recorder();
      const batcher = new EventBatcher(send, 2, 1);
      void batcher.add('1', jsonText);
      await afterTurn();
      void batcher.add('2', jsonText);
      void batcher.add('3', jsonText);
      expect(sent.map((batch) => batch.body)).toEqual(['[1]', '[2,3]']);
    });

    it('frees the slot when a batch fails, so the waiting events leave', async () => {
      const { sent, send } = recorder();
      const batcher = new EventBatcher(send, 10, 1);
      const failed = batcher.add('1', jsonText);
      await afterTurn();
      const next = batcher.add('2', jsonText);
      await afterTurn();
      expect(sent).toHaveLength(1);
      sent[0]?.reject(new Error('backend down'));
      await expect(failed).rejects.toThrow('backend down');
      await afterTurn();
      expect(sent.map((batch) => batch.body)).toEqual(['[1]', '[2]']);
      sent[1]?.resolve(['ok']);
      expect(await next).toBe('ok');
    });

    it('0 means no limit: every turn sends its batch', async () => {
      const { sent, send } = recorder();
      const batcher = new EventBatcher(send, 10, 0);
      void batcher.add('1', jsonText);
      await afterTurn();
      void batcher.add('2', jsonText);
      await afterTurn();
      expect(sent.map((batch) => batch.body)).toEqual(['[1]', '[2]']);
    });
  });
});
