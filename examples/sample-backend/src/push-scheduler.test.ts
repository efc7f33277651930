/** Unit tests of the push scheduler: timers, flush on close, and settled(). */
import { describe, expect, it } from 'vitest';
import { PushScheduler } from './push-scheduler.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('PushScheduler', () => {
  it('runs a task when its timer fires', async () => {
    const scheduler = new PushScheduler(() => undefined);
    const ran = deferred();
    scheduler.schedule(0, () => {
      ran.resolve();
      return Promise.resolve();
    });
    expect(scheduler.size).toBe(1);
    await ran.promise;
    await scheduler.settled();
    expect(scheduler.size).toBe(0);
  });

  it('flush() runs waiting tasks at once, and later ones immediately', async () => {
    const scheduler = new PushScheduler(() => undefined);
    const order: string[] = [];
    scheduler.schedule(3_600_000, () => {
      order.push('waiting');
      return Promise.resolve();
    });
    scheduler.flush();
    scheduler.schedule(3_600_000, () => {
      order.push('after flush');
      return Promise.resolve();
    });
    await scheduler.settled();
    expect(order).toEqual(['waiting', 'after flush']);
    expect(scheduler.size).toBe(0);
  });

  it('settled() waits for running tasks', async () => {
    const scheduler = new PushScheduler(() => undefined);
    const gate = deferred();
    let done = false;
    scheduler.schedule(0, async () => {
      await gate.promise;
      done = true;
    });
    scheduler.flush();
    const settled = scheduler.settled();
    gate.resolve();
    await settled;
    expect(done).toBe(true);
  });

  it('reports a failing task to onError', async () => {
    const errors: unknown[] = [];
    const scheduler = new PushScheduler((error) => errors.push(error));
    scheduler.schedule(0, () => Promise.reject(new Error('boom')));
    scheduler.flush();
    await scheduler.settled();
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('boom');
  });
});
