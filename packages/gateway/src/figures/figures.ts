/**
 * The figures the autoscaling signals read: open connections and the client message rate, per
 * stage. One node implements it from its own registry (`local-figures.ts`); cluster mode implements
 * it across every node behind the same interface, so the KEDA scaler and the metrics-api endpoint
 * never need to know which one they got.
 */

/** The figures of one stage at one moment. */
export interface StageFigures {
  readonly stage: string;
  /** Open connections: `$connect` accepted and not yet closed. */
  readonly connections: number;
  /** Client messages per second, averaged over the sliding window (`Figures.windowMs`). */
  readonly messagesPerSecond: number;
  /**
   * `$connect` requests for the stage within the sliding window, accepted or refused. A refused one
   * still shows demand: it is what lets a backend that serves `$connect` be scaled up from zero.
   * Optional: an implementation that cannot count them leaves it out (read as 0).
   */
  readonly connectAttempts?: number;
}

/**
 * A stage becoming active (`active: true`: it has a connection, or a `$connect` attempt within the
 * window) or inactive (neither any more).
 */
export interface ActivityChange {
  readonly stage: string;
  readonly active: boolean;
}

export interface Figures {
  /** `node`: this process only; `cluster`: every gateway node of the cluster. */
  readonly scope: 'node' | 'cluster';
  /** Length of the sliding window the message rate is averaged over, in milliseconds. */
  readonly windowMs: number;
  /**
   * The figures of `stage`, or the sum over every stage when `stage` is undefined (reported with
   * `stage: "*"`). A stage nobody connected to reads as zeros. Asynchronous so that a cluster-wide
   * implementation may ask its peers; the node-local one answers at once.
   */
  read(stage?: string): Promise<StageFigures>;
  /** Every stage with its figures, including stages configured but idle. */
  readAll(): Promise<readonly StageFigures[]>;
  /**
   * Calls `listener` whenever a stage becomes active (its first connection or `$connect` attempt)
   * or inactive (no connection, no attempt within the window), as soon as it happens. This is what lets KEDA's StreamIsActive scale a backend from zero on the
   * first connection. Returns a function that removes the listener.
   */
  onActivityChange(listener: (change: ActivityChange) => void): () => void;
  /** Stops listening to the gateway's events; listeners are dropped. Safe to call twice. */
  close(): void;
}

/** The `stage` value of a sum over every stage. */
export const ALL_STAGES = '*';
