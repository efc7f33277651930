/**
 * Gathers the events an AWS_PROXY integration with `batchSize` above 1 is handed during one
 * event-loop turn and sends them as one batch once the turn's I/O is done (`setImmediate`), or at
 * once when the batch is full. With a limit on batches in flight (`batchesInFlight`), a partial batch
 * also waits while that many are out, and leaves at the end of the turn in which one of them is
 * answered: under load batches grow, and fewer requests carry the same events. Each caller gets its
 * own event's result; when the batch as a whole fails (unreachable, timed out, a bad answer), every
 * event in it gets that error. No timer is involved: under light load a batch holds one event and
 * leaves in the turn it arrived in.
 * @see docs/lambda.md "Event batches"
 */

/** Sends one batch: `body` is a JSON array of `count` events; resolves with one result per event. */
export type SendBatch = (body: string, count: number) => Promise<readonly unknown[]>;

/** A batch stops growing past this many bytes of JSON (one larger event still goes, alone). */
export const MAX_BATCH_BYTES = 1_048_576;

interface Waiting {
  readonly json: string;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export class EventBatcher {
  readonly #send: SendBatch;
  readonly #maxEvents: number;
  #waiting: Waiting[] = [];
  /** Bytes of the batch body so far: the opening bracket, and each event with its separator. */
  #bytes = 1;
  #scheduled = false;
  /** Batches sent and not yet answered, and how many may be. */
  readonly #maxInFlight: number;
  #inFlight = 0;

  /** `maxInFlight` 0: no limit. */
  constructor(send: SendBatch, maxEvents: number, maxInFlight = 0) {
    this.#send = send;
    this.#maxEvents = maxEvents;
    this.#maxInFlight = maxInFlight === 0 ? Number.POSITIVE_INFINITY : maxInFlight;
  }

  /** Queues one event, already serialised as JSON; resolves with its result from the backend. */
  add(json: string): Promise<unknown> {
    // Its bytes and the comma or bracket after it.
    const bytes = Buffer.byteLength(json) + 1;
    if (this.#waiting.length > 0 && this.#bytes + bytes > MAX_BATCH_BYTES) this.#flush();
    return new Promise((resolve, reject) => {
      this.#waiting.push({ json, resolve, reject });
      this.#bytes += bytes;
      if (this.#waiting.length >= this.#maxEvents) this.#flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(flushLater, this);
      }
    });
  }

  /** Sends what is waiting, if anything, unless as many batches as allowed are in flight. */
  flush(): void {
    this.#scheduled = false;
    if (this.#waiting.length > 0 && this.#inFlight < this.#maxInFlight) this.#flush();
  }

  /** A batch was answered (or failed): what waited for it leaves at the end of this turn. */
  #done(): void {
    this.#inFlight -= 1;
    if (this.#waiting.length > 0 && !this.#scheduled) {
      this.#scheduled = true;
      setImmediate(flushLater, this);
    }
  }

  #flush(): void {
    const batch = this.#waiting;
    this.#waiting = [];
    this.#bytes = 1;
    let body = '[';
    for (let i = 0; i < batch.length; i += 1) body += (i === 0 ? '' : ',') + (batch[i] as Waiting).json;
    body += ']';
    this.#inFlight += 1;
    this.#send(body, batch.length).then(
      (results) => {
        this.#done();
        for (let i = 0; i < batch.length; i += 1) (batch[i] as Waiting).resolve(results[i]);
      },
      (error: unknown) => {
        this.#done();
        for (const waiting of batch) waiting.reject(error);
      },
    );
  }
}

function flushLater(batcher: EventBatcher): void {
  batcher.flush();
}
