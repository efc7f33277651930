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

/** Sends one batch: `body` is a JSON array of `count` events (UTF-8); resolves with one result per event. */
export type SendBatch = (body: Buffer, count: number) => Promise<readonly unknown[]>;

/**
 * Writes an event's JSON as UTF-8 straight into the batch: at `at` of the buffer `room(most)` hands
 * it, which has room for `most` bytes from `at`; returns where the event ends.
 */
export type EventWriter<T> = (event: T, room: (most: number) => Buffer, at: number) => number;

/** An event already serialised as JSON, as UTF-8 bytes. */
export const writeJsonBytes: EventWriter<Uint8Array> = (json, room, at) => {
  room(json.length).set(json, at);
  return at + json.length;
};

/** A batch stops growing past this many bytes of JSON (one larger event still goes, alone). */
export const MAX_BATCH_BYTES = 1_048_576;

/**
 * The first buffer of a batch is the size of the last batch sent, within these bounds (it grows by
 * doubling when events need more): one large batch does not make every later one allocate as much.
 */
const FIRST_BUFFER_BYTES = 16_384;
const SMALLEST_BUFFER_BYTES = 1_024;
const LARGEST_FIRST_BUFFER_BYTES = 65_536;

interface Waiting {
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export class EventBatcher {
  readonly #send: SendBatch;
  readonly #maxEvents: number;
  #waiting: Waiting[] = [];
  /**
   * The batch body so far, as UTF-8: the opening bracket and the events with commas between them,
   * written straight into it as they arrive.
   */
  #body: Buffer | undefined;
  /** Bytes of `#body` written. */
  #bytes = 0;
  /** The size of the next batch's first buffer. */
  #firstBufferBytes = FIRST_BUFFER_BYTES;
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

  /**
   * Queues one event, written as JSON into the batch by `write`; resolves with its result from the
   * backend. An event that takes the batch past MAX_BATCH_BYTES starts the next one.
   */
  add<T>(event: T, write: EventWriter<T>): Promise<unknown> {
    const start = this.#bytes;
    const end = write(event, this.#room, start + 1);
    const body = this.#body as Buffer;
    body[start] = this.#waiting.length === 0 ? OPEN_BRACKET : COMMA;
    this.#bytes = end;
    if (this.#waiting.length > 0 && end + 1 > MAX_BATCH_BYTES) this.#moveToNextBatch(body, start, end);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      if (this.#waiting.length >= this.#maxEvents) this.#flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(flushLater, this);
      }
    });
  }

  /**
   * The event just written at `start` (its comma) to `end` does not fit: the events before it leave
   * now, and it opens a new batch.
   */
  #moveToNextBatch(body: Buffer, start: number, end: number): void {
    this.#bytes = start;
    this.#flush(); // sends body[0, start], comma turned into the closing bracket
    const next = this.#room(end - start - 1);
    next[0] = OPEN_BRACKET;
    body.copy(next, 1, start + 1, end);
    this.#bytes = end - start;
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

  /** The body's buffer, with room for an event of `bytes` and the brackets or comma around it. */
  readonly #room = (bytes: number): Buffer => {
    const needed = this.#bytes + bytes + 2;
    const body = this.#body;
    if (body !== undefined && body.length >= needed) return body;
    const grown = Buffer.allocUnsafe(Math.max(needed, body === undefined ? this.#firstBufferBytes : body.length * 2));
    if (body !== undefined) body.copy(grown, 0, 0, this.#bytes);
    this.#body = grown;
    return grown;
  };

  #flush(): void {
    const batch = this.#waiting;
    const body = this.#body as Buffer;
    body[this.#bytes] = CLOSE_BRACKET;
    const bytes = this.#bytes + 1;
    this.#waiting = [];
    this.#body = undefined;
    this.#bytes = 0;
    this.#firstBufferBytes = Math.min(Math.max(bytes, SMALLEST_BUFFER_BYTES), LARGEST_FIRST_BUFFER_BYTES);
    this.#inFlight += 1;
    this.#send(body.subarray(0, bytes), batch.length).then(
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

const OPEN_BRACKET = 0x5b;
const COMMA = 0x2c;
const CLOSE_BRACKET = 0x5d;

function flushLater(batcher: EventBatcher): void {
  batcher.flush();
}
