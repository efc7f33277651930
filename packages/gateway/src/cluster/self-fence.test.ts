// Unit tests: when a node fences itself (silence reached on its timer, or seen at once after the
// event loop was held up, as on resume from SIGSTOP), what lifts it, and what does not.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { instantNow, SelfFence } from './self-fence.js';

/** A fence whose `fenced` promise resolves at its first fencing, with the count of fencings. */
function watchedFence(fenceAfterMs: number): { fence: SelfFence; fenced: Promise<void>; count: () => number } {
  let count = 0;
  let resolve: () => void = () => undefined;
  const fenced = new Promise<void>((done) => (resolve = done));
  const fence = new SelfFence({
    fenceAfterMs,
    logger: pino({ level: 'silent' }),
    onFence: () => {
      count++;
      resolve();
    },
  });
  return { fence, fenced, count: () => count };
}

/** Holds the event loop for `ms`, as a paused process or a long synchronous task would. */
function holdEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: no timer can run meanwhile
  }
}

describe('SelfFence', () => {
  it('fences itself on its timer once no heartbeat came back for fenceAfterMs, once', async () => {
    const { fence, fenced, count } = watchedFence(100);
    fence.start();
    const started = performance.now();
    await fenced;
    expect(performance.now() - started).toBeGreaterThanOrEqual(99);
    expect(fence.fencedNow()).toBe(true);
    expect(count()).toBe(1);
    fence.stop();
  });

  it('stays unfenced while heartbeats come back in time', async () => {
    const { fence, count } = watchedFence(1000);
    fence.start();
    for (let beat = 0; beat < 5; beat++) {
      const sent = instantNow();
      await new Promise((resolve) => setTimeout(resolve, 20));
      fence.confirm(sent);
      expect(fence.fencedNow()).toBe(false);
    }
    expect(count()).toBe(0);
    fence.stop();
  });

  it('sees a held-up event loop at the first check, before any timer runs', () => {
    const { fence, count } = watchedFence(50);
    fence.start();
    holdEventLoop(80);
    expect(fence.fencedNow()).toBe(true);
    expect(count()).toBe(1);
    fence.stop();
  });

  it('is not lifted by a heartbeat sent before the pause, only by one sent after it fenced', () => {
    const { fence } = watchedFence(50);
    fence.start();
    const beforePause = instantNow();
    holdEventLoop(80);
    // Read after the pause: it proves nothing now, and fences rather than lifts.
    fence.confirm(beforePause);
    expect(fence.fencedNow()).toBe(true);
    fence.confirm(instantNow());
    expect(fence.fencedNow()).toBe(false);
    fence.stop();
  });

  it('never fences once stopped', () => {
    const { fence, count } = watchedFence(20);
    fence.start();
    fence.stop();
    holdEventLoop(40);
    expect(fence.fencedNow()).toBe(false);
    expect(count()).toBe(0);
  });
});
