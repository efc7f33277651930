/**
 * The `x-sample-delay-ms` request header of `POST /message`: the backend waits that many
 * milliseconds before it counts and answers the message, to play a slow backend (tests of rolling
 * stops with slow requests in flight, trying timeouts). A gateway integration sets it with a
 * request parameter: `integration.request.header.x-sample-delay-ms: "'250'"`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { headerValue } from './backend-event.js';

export const answerDelayHeader = 'x-sample-delay-ms';
/** Longest delay asked for: below the gateway's default integration timeout (29 s). */
export const MAX_ANSWER_DELAY_MS = 10_000;

export type AnswerDelay = { ok: true; delayMs: number } | { ok: false; message: string };

/** The delay the request asks for: 0 without the header; an integer 0..MAX_ANSWER_DELAY_MS else an error. */
export function answerDelayOf(headers: IncomingHttpHeaders): AnswerDelay {
  const value = headerValue(headers, answerDelayHeader);
  if (value === undefined) return { ok: true, delayMs: 0 };
  const delayMs = /^\d{1,6}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!(delayMs <= MAX_ANSWER_DELAY_MS))
    return {
      ok: false,
      message: `${answerDelayHeader} must be a whole number of milliseconds from 0 to ${MAX_ANSWER_DELAY_MS}, got ${JSON.stringify(value)}`,
    };
  return { ok: true, delayMs };
}
