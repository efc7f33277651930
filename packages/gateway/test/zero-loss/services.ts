/**
 * Which real services the zero-loss tests can use. Under CI=true a missing Redis fails the test;
 * elsewhere the Redis cases skip with the reason in their name.
 */
import { connect } from 'node:net';

export const inCi = process.env.CI === 'true';

/** True when Redis answers a TCP connect at 127.0.0.1:6379 within a second. */
export function redisReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 6379 });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => {
      done(false);
    });
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
  });
}
