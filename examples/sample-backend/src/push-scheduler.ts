/**
 * Delayed pushes that a graceful close can flush: a task runs when its timer fires, or at once
 * after `flush()`; `settled()` resolves when no task is waiting or running.
 */

export type Task = () => Promise<void>;

export class PushScheduler {
  readonly #timers = new Map<NodeJS.Timeout, Task>();
  readonly #running = new Set<Promise<void>>();
  readonly #onError: (error: unknown) => void;
  #flushed = false;

  /** `onError` sees a task's rejection; tasks are expected to handle their own errors. */
  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  /** Tasks waiting for their timer plus tasks running. */
  get size(): number {
    return this.#timers.size + this.#running.size;
  }

  /** Run `task` after `delayMs`, or now when the scheduler has been flushed. */
  schedule(delayMs: number, task: Task): void {
    if (this.#flushed) {
      this.#run(task);
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#run(task);
    }, delayMs);
    this.#timers.set(timer, task);
  }

  /** Run every waiting task now; tasks scheduled from now on run at once too. */
  flush(): void {
    this.#flushed = true;
    for (const [timer, task] of this.#timers) {
      clearTimeout(timer);
      this.#timers.delete(timer);
      this.#run(task);
    }
  }

  /** Resolves when every running task has finished (and, after a flush, no task is waiting). */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }

  #run(task: Task): void {
    const running = Promise.resolve()
      .then(task)
      .catch(this.#onError)
      .finally(() => this.#running.delete(running));
    this.#running.add(running);
  }
}
