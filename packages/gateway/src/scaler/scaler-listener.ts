/**
 * The gateway's handle on the KEDA external scaler: built with the gateway, it loads gRPC and
 * starts the server only when `listen` is called (main.ts does when `scaler.enabled`).
 */
import type { Logger } from 'pino';
import type { Figures } from '../figures/figures.js';
import type { ExternalScalerServer } from './external-scaler.js';

export class ScalerListener {
  readonly #figures: Figures;
  readonly #stages: readonly string[];
  readonly #logger: Logger;
  #server: ExternalScalerServer | undefined;

  constructor(figures: Figures, stages: readonly string[], logger: Logger) {
    this.#figures = figures;
    this.#stages = stages;
    this.#logger = logger;
  }

  /** The bound port while listening. */
  get port(): number | undefined {
    return this.#server?.port;
  }

  /** Loads the gRPC server and binds it; resolves with the bound port. */
  async listen(port: number, host: string): Promise<number> {
    if (this.#server !== undefined) throw new Error('the scaler listener is already started');
    const { ExternalScalerServer } = await import('./external-scaler.js');
    const server = new ExternalScalerServer({
      figures: this.#figures,
      stages: this.#stages,
      logger: this.#logger,
    });
    this.#server = server;
    return server.listen(port, host);
  }

  /** Stops the gRPC server if it was started. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    await server?.close();
  }
}
