/**
 * What an upstream set does once every one of its upstreams refused a request's connection: keep
 * retrying within the integration timeout while a replica answered recently (it is restarting, and
 * waiting makes the restart lossless), or fail at once when nothing has answered for a whole
 * integration timeout, or ever (the backend is down: waiting would only delay the error frame).
 * Either way it logs a warning naming the integration and the refusing replicas, at most once per
 * REFUSAL_LOG_INTERVAL_MS for each replica, so that a storm of messages does not flood the log.
 * @see docs/backends.md "When every upstream refuses"
 */

/** The logger calls this module makes (a pino logger has them). */
export interface RefusalLogger {
  warn(fields: object, message: string): void;
}

/** A replica is named in a refusal warning at most once in this interval. */
export const REFUSAL_LOG_INTERVAL_MS = 10_000;

export class RefusalPolicy {
  readonly #integration: string;
  readonly #logger: RefusalLogger | undefined;
  /** `Date.now()` of the latest answer of any upstream (drain signals and probes included); 0: never. */
  #lastAnswerAt = 0;
  /** When each replica was last named in a warning. */
  readonly #loggedAt = new Map<string, number>();

  constructor(integration: string, logger: RefusalLogger | undefined) {
    this.#integration = integration;
    this.#logger = logger;
  }

  /** An upstream answered (anything, even the drain signal) at `at`: the backend is alive. */
  answered(at: number): void {
    if (at > this.#lastAnswerAt) this.#lastAnswerAt = at;
  }

  /**
   * Every upstream refused the connection of a request whose integration timeout is `timeoutMs`:
   * true to keep retrying (some upstream answered less than `timeoutMs` ago), false to fail now.
   * Logs which, naming the refusing `origins` not named in the last REFUSAL_LOG_INTERVAL_MS.
   */
  keepWaiting(origins: readonly string[], timeoutMs: number, now = Date.now()): boolean {
    const quietMs = this.#lastAnswerAt === 0 ? undefined : now - this.#lastAnswerAt;
    const waiting = quietMs !== undefined && quietMs < timeoutMs;
    const due = origins.filter((origin) => now - (this.#loggedAt.get(origin) ?? -Infinity) >= REFUSAL_LOG_INTERVAL_MS);
    if (due.length > 0 && this.#logger !== undefined) {
      for (const origin of due) this.#loggedAt.set(origin, now);
      const fields = { integration: this.#integration, refused: due, code: 'SWB_ERR_BACKEND_UNREACHABLE' };
      if (waiting)
        this.#logger.warn(
          { ...fields, lastAnswerMsAgo: quietMs, waitsMs: timeoutMs - quietMs },
          `integration ${this.#integration}: every backend replica refused the connection; one answered ${quietMs} ms ago, so requests wait up to ${timeoutMs - quietMs} ms more for it to come back`,
        );
      else
        this.#logger.warn(
          { ...fields, lastAnswerMsAgo: quietMs ?? null },
          `integration ${this.#integration}: every backend replica refused the connection (${due.join(', ')}) and none has answered ${quietMs === undefined ? 'since the gateway started' : `for ${quietMs} ms`}: requests fail at once with the error answer. Is the backend running, on that address and port?`,
        );
    }
    return waiting;
  }
}
