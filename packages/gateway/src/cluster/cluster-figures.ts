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
    if (stage === undefined) return sumFigures(ALL_STAGES, all);
    return all.find((figures) => figures.stage === stage) ?? sumFigures(stage, []);
  }

  read(stage?: string): Promise<StageFigures> {
    return Promise.resolve(this.readNow(stage));
  }

  /** Per stage, the sum of this node's figures and every live peer's last heartbeat. */
  readAllNow(): StageFigures[] {
    const byStage = new Map<string, StageFigures[]>();
    const add = (figures: StageFigures) => {
      const list = byStage.get(figures.stage);
      if (list === undefined) byStage.set(figures.stage, [figures]);
      else list.push(figures);
    };
    for (const figures of this.#local.readAllNow()) add(figures);
    for (const peer of this.#peers()) for (const figures of peer.figures.stages) add(figures);
    return [...byStage].map(([stage, list]) => sumFigures(stage, list));
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
      // As for one node: a stage is active while it has a connection or a recent $connect attempt.
      const active = figures.connections > 0 || (figures.connectAttempts ?? 0) > 0;
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

/** The sum of several nodes' figures for one stage. */
function sumFigures(stage: string, list: readonly StageFigures[]): StageFigures {
  let connections = 0;
  let messagesPerSecond = 0;
  let connectAttempts = 0;
  for (const figures of list) {
    connections += figures.connections;
    messagesPerSecond += figures.messagesPerSecond;
    connectAttempts += figures.connectAttempts ?? 0;
  }
  return { stage, connections, messagesPerSecond, connectAttempts };
}
