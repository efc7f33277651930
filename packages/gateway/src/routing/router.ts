/**
 * The router: picks the route for a client message. Non-JSON goes to `$default`; otherwise the route
 * whose key equals the evaluated selection expression, else `$default` (also when the result would
 * be longer than every route key: it is not built); with no `$default`, no route
 * (the client gets the Forbidden frame). `$connect` and `$disconnect` are never selected by a message.
 * @see docs/protocol.md "Route selection"
 */
import { compileRouteSelection, type RouteSelector } from './route-selection.js';

export const CONNECT = '$connect';
export const DISCONNECT = '$disconnect';
export const DEFAULT = '$default';

/** The body could not be parsed as JSON. */
export const NOT_JSON: unique symbol = Symbol('not JSON');
export type ParsedBody = unknown;

export interface Selection<R> {
  /** The matched route, or undefined when nothing matches and there is no `$default`. */
  readonly route: R | undefined;
  /** The key the route is registered under. */
  readonly routeKey: string;
  /** The parsed body when it was parsed (JSON), `NOT_JSON` when it is not JSON, undefined when not needed. */
  readonly body: ParsedBody;
}

export class Router<R> {
  readonly connectRoute: R | undefined;
  readonly disconnectRoute: R | undefined;
  readonly #defaultRoute: R | undefined;
  readonly #routes: Map<string, R>;
  readonly #selector: RouteSelector;
  /** The longest custom route key: a longer selection result matches none, so it is not built. */
  readonly #maxKeyLength: number;

  constructor(routes: ReadonlyMap<string, R>, routeSelectionExpression: string) {
    this.#selector = compileRouteSelection(routeSelectionExpression);
    this.#routes = new Map([...routes].filter(([key]) => key !== CONNECT && key !== DISCONNECT && key !== DEFAULT));
    this.connectRoute = routes.get(CONNECT);
    this.disconnectRoute = routes.get(DISCONNECT);
    this.#defaultRoute = routes.get(DEFAULT);
    this.#maxKeyLength = Math.max(0, ...[...this.#routes.keys()].map((key) => key.length));
  }

  /**
   * Selects the route for one text message, given as received (a Buffer) or as a string. The text is
   * decoded only when the expression reads the body and the message may be JSON.
   */
  select(message: Buffer | string): Selection<R> {
    if (!this.#selector.readsBody) return this.#byKey(this.#selector.evaluate(undefined, this.#maxKeyLength), undefined);
    // Most chat-style text is plainly not JSON: skip the decoding, the parse and the exception it would throw.
    if (!mayBeJson(message)) return { route: this.#defaultRoute, routeKey: DEFAULT, body: NOT_JSON };
    let body: unknown;
    try {
      body = JSON.parse(typeof message === 'string' ? message : message.toString());
    } catch {
      return { route: this.#defaultRoute, routeKey: DEFAULT, body: NOT_JSON };
    }
    return this.#byKey(this.#selector.evaluate(body, this.#maxKeyLength), body);
  }

  /** Selects the route for a binary message: binary is never JSON, so it goes to `$default`. */
  selectBinary(): Selection<R> {
    return { route: this.#defaultRoute, routeKey: DEFAULT, body: NOT_JSON };
  }

  /** `key` is undefined when the selection result was longer than every route key. */
  #byKey(key: string | undefined, body: unknown): Selection<R> {
    const route = key === undefined ? undefined : this.#routes.get(key);
    if (route !== undefined && key !== undefined) return { route, routeKey: key, body };
    return { route: this.#defaultRoute, routeKey: DEFAULT, body };
  }
}

/**
 * False when the message cannot be JSON: its first non-blank character starts no JSON value. Those
 * characters are ASCII, so a Buffer's bytes and a string's char codes are read alike.
 */
function mayBeJson(message: Buffer | string): boolean {
  const isString = typeof message === 'string';
  for (let i = 0; i < message.length; i++) {
    const c = isString ? message.charCodeAt(i) : (message[i] ?? 0);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    // { [ " - 0-9 t f n
    return c === 0x7b || c === 0x5b || c === 0x22 || c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e;
  }
  return false;
}
