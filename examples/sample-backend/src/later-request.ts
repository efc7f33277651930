/**
 * The body of the `later` route, `{"action":"later","data":"…","delayMs":N}`, parsed and checked
 * without side effects: what to push, and after how long. Out-of-range values are refused, not
 * clamped, so a client learns what the backend will not do.
 */

export const DEFAULT_DELAY_MS = 100;
export const MAX_DELAY_MS = 60_000;
/** Pushed when the request has no `data`. */
export const DEFAULT_DATA = 'later';
/** Largest `data` in UTF-8 bytes: what one `PostToConnection` may carry (the management API's 128 KB). */
export const MAX_DATA_BYTES = 131_072;

export interface LaterRequest {
  data: string;
  delayMs: number;
}

/** A refusal's status: 400 for a malformed request, 413 for data too large to push. */
export type ParseResult = { ok: true; value: LaterRequest } | { ok: false; status: 400 | 413; message: string };

/**
 * `data` is pushed as is when it is a string and as JSON text otherwise, at most 128 KB; `delayMs`
 * must be a number from 0 to 60000, and is rounded.
 */
export function parseLaterRequest(body: Buffer | string): ParseResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch (error) {
    return { ok: false, status: 400, message: `body is not valid JSON: ${(error as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      ok: false,
      status: 400,
      message: 'body must be a JSON object like {"action":"later","data":"…","delayMs":100}',
    };
  }
  const { data, delayMs } = parsed as Record<string, unknown>;
  if (delayMs !== undefined && (typeof delayMs !== 'number' || !Number.isFinite(delayMs))) {
    return { ok: false, status: 400, message: 'delayMs must be a number of milliseconds' };
  }
  if (delayMs !== undefined && (delayMs < 0 || delayMs > MAX_DELAY_MS)) {
    return { ok: false, status: 400, message: `delayMs must be from 0 to ${MAX_DELAY_MS} milliseconds` };
  }
  const text = data === undefined ? DEFAULT_DATA : typeof data === 'string' ? data : JSON.stringify(data);
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_DATA_BYTES) {
    return { ok: false, status: 413, message: `data is ${bytes} bytes: at most ${MAX_DATA_BYTES} can be pushed` };
  }
  return { ok: true, value: { data: text, delayMs: delayMs === undefined ? DEFAULT_DELAY_MS : Math.round(delayMs) } };
}
