/**
 * Sends one request through an undici dispatcher and records whether the request was fully
 * written to the socket (undici's `onRequestSent`). A failure before that point means the backend
 * never saw the whole request, so it is safe to send it elsewhere.
 */
import { Dispatcher } from 'undici';

/** What the caller passes; `sent` turns true once the request's last byte was written. */
export interface DeliveryState {
  sent: boolean;
}

/** An error thrown by `requestTracked`, with `delivery.sent` telling whether it was written. */
export type TrackedError = Error & { delivery?: DeliveryState };

type Handler = Dispatcher.DispatchHandler & Record<string, unknown>;

/** Forwards every callback of undici's (old-style) handler API, noting `onRequestSent`. */
class SentNotingHandler {
  readonly #inner: Handler;
  readonly #state: DeliveryState;

  constructor(inner: Handler, state: DeliveryState) {
    this.#inner = inner;
    this.#state = state;
  }

  onRequestSent(): unknown {
    this.#state.sent = true;
    return (this.#inner.onRequestSent as (() => unknown) | undefined)?.call(this.#inner);
  }

  onConnect(...args: unknown[]): unknown {
    return this.#forward('onConnect', args);
  }

  onError(...args: unknown[]): unknown {
    return this.#forward('onError', args);
  }

  onUpgrade(...args: unknown[]): unknown {
    return this.#forward('onUpgrade', args);
  }

  onResponseStarted(...args: unknown[]): unknown {
    return this.#forward('onResponseStarted', args);
  }

  onHeaders(...args: unknown[]): unknown {
    return this.#forward('onHeaders', args);
  }

  onData(...args: unknown[]): unknown {
    return this.#forward('onData', args);
  }

  onComplete(...args: unknown[]): unknown {
    return this.#forward('onComplete', args);
  }

  onBodySent(...args: unknown[]): unknown {
    return this.#forward('onBodySent', args);
  }

  #forward(name: string, args: unknown[]): unknown {
    const method = this.#inner[name] as ((...a: unknown[]) => unknown) | undefined;
    return method?.apply(this.#inner, args);
  }
}

// eslint-disable-next-line @typescript-eslint/unbound-method -- undici's request() only uses `this.dispatch`; it is called on the tracking wrapper below
const requestApi = Dispatcher.prototype.request;

/** `dispatcher.request(options)`, with `state.sent` kept up to date and attached to a thrown error. */
export async function requestTracked(
  dispatcher: Dispatcher,
  options: Dispatcher.RequestOptions,
  state: DeliveryState,
): Promise<Dispatcher.ResponseData> {
  const tracking = {
    dispatch: (opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean =>
      dispatcher.dispatch(
        opts,
        new SentNotingHandler(handler as Handler, state) as unknown as Dispatcher.DispatchHandler,
      ),
  };
  try {
    return await requestApi.call<Dispatcher, [Dispatcher.RequestOptions], Promise<Dispatcher.ResponseData>>(
      tracking as unknown as Dispatcher,
      options,
    );
  } catch (error) {
    if (error instanceof Error) (error as TrackedError).delivery = state;
    throw error;
  }
}
