/**
 * The body of the `later` route, `{"action":"later","data":"…","delayMs":N}`, parsed and checked
 * without side effects: what to push, and after how long.
 */

export const DEFAULT_DELAY_MS = 100;
export const MAX_DELAY_MS = 60_000;
/** Pushed when the request has no `data`. */
export const DEFAULT_DATA = 'later';

export interface LaterRequest {
  data: string;
  delayMs: number;
}

export type ParseResult = { ok: true; value: LaterRequest } | { ok: false; message: string };

/**
 * `data` is pushed as is when it is a string and as JSON text otherwise; `delayMs` must be a
 * number and is rounded and clamped to 0..60000.
 */
export function parseLaterRequest(body: Buffer | string): ParseResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch (error) {
    return { ok: false, message: `body is not valid JSON: ${(error as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      ok: false,
      message: 'body must be a JSON object like {"action":"later","data":"…","delayMs":100}',
    };
  }
  const { data, delayMs } = parsed as Record<string, unknown>;
  if (delayMs !== undefined && (typeof delayMs !== 'number' || !Number.isFinite(delayMs))) {
    return { ok: false, message: 'delayMs must be a number of milliseconds' };
  }
  return {
    ok: true,
    value: {
      data: data === undefined ? DEFAULT_DATA : typeof data === 'string' ? data : JSON.stringify(data),
      delayMs:
        delayMs === undefined ? DEFAULT_DELAY_MS : Math.min(MAX_DELAY_MS, Math.max(0, Math.round(delayMs))),
    },
  };
}
