/**
 * Cluster-wide figures behind the same `Figures` interface as one node's: this node's own figures
 * (read live) plus every live peer's, as its last heartbeat reported them (at most `heartbeatMs`
 * old). Activity changes fire when the cluster-wide count of a stage crosses zero.
 */
import { ALL_STAGES, type ActivityChange, type Figures, type StageFigures } from '../figures/figures.js';
import type { LocalFigures } from '../figures/local-figures.js';
import type { PeerView } from './membership.js';

export class ClusterFigures implements Figures {
  readonly scope = 'cluster';
  readonly windowMs: number;
  readonly #localFigures: () => LocalFigures;
  readonly #peers: () => readonly PeerView[];
  readonly #listeners = new Set<(change: ActivityChange) => void>();
  readonly #active = new Set<string>();
  #stopLocal: (() => void) | undefined;
  #closed = false;

  /** `local` is read lazily: the node's LocalFigures may be built after this object. */
  constructor(local: () => LocalFigures, peers: () => readonly PeerView[], windowMs: number) {
    this.#localFigures = local;
    this.#peers = peers;
    this.windowMs = windowMs;
  }

  get #local(): LocalFigures {
    return this.#localFigures();
  }

  readNow(stage?: string): StageFigures {
    const all = this.readAllNow();
    if (stage === undefined) {
      return all.reduce(
        (sum, figures) => ({
          stage: ALL_STAGES,
          connections: sum.connections + figures.connections,
          messagesPerSecond: sum.messagesPerSecond + figures.messagesPerSecond,
        }),
        {
          stage: ALL_STAGES,
          connections: 0,
          messagesPerSecond: 0,
        },
      );
    }
    return all.find((figures) => figures.stage === stage) ?? { stage, connections: 0, messagesPerSecond: 0 };
  }

  read(stage?: string): Promise<StageFigures> {
    return Promise.resolve(this.readNow(stage));
  }

  readAllNow(): StageFigures[] {
    const sums = new Map<string, { connections: number; messagesPerSecond: number }>();
    const add = (figures: StageFigures) => {
      const sum = sums.get(figures.stage) ?? { connections: 0, messagesPerSecond: 0 };
      sum.connections += figures.connections;
      sum.messagesPerSecond += figures.messagesPerSecond;
      sums.set(figures.stage, sum);
    };
    for (const figures of this.#local.readAllNow()) add(figures);
    for (const peer of this.#peers()) for (const figures of peer.figures.stages) add(figures);
    return [...sums].map(([stage, sum]) => ({ stage, ...sum }));
  }

  readAll(): Promise<readonly StageFigures[]> {
    return Promise.resolve(this.readAllNow());
  }

  onActivityChange(listener: (change: ActivityChange) => void): () => void {
    if (this.#closed) return () => false;
    this.#listeners.add(listener);
    this.#stopLocal ??= this.#local.onActivityChange(() => this.refresh());
    return () => this.#listeners.delete(listener);
  }

  /** Re-reads the cluster's counts and reports stages that crossed zero; called on local changes and heartbeats. */
  refresh(): void {
    if (this.#closed || this.#listeners.size === 0) return;
    for (const figures of this.readAllNow()) {
      const active = figures.connections > 0;
      if (active === this.#active.has(figures.stage)) continue;
      if (active) this.#active.add(figures.stage);
      else this.#active.delete(figures.stage);
      for (const listener of this.#listeners) listener({ stage: figures.stage, active });
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    this.#stopLocal?.();
  }
}
