/**
 * @switchboard/gateway: the embedding API. Build a gateway from a validated config, start it,
 * drain it; load and validate configuration; match errors by their stable code.
 */
export { buildGateway, type Gateway, type GatewayDeps } from './app.js';
export { startGateway, onShutdownSignal, type RunningGateway } from './main.js';
export {
  parseConfig,
  loadConfig,
  parseSetFlag,
  envVarTable,
  renderConfigurationDoc,
  ConfigInvalidError,
  isConfigInvalid,
  configWarnings,
  type LoadConfigOptions,
  type ConfigOverrides,
  type ConfigIssue,
  type Config,
  type ConfigInput,
  type IntegrationConfig,
  type RouteConfig,
} from './config/index.js';
export { createLogger, type Logger } from './logger.js';
export { loadTemplateFile, templateResultToYaml } from './templates/cloudformation/load-template.js';
export type { TemplateOptions, TemplateResult } from './templates/cloudformation/template-to-config.js';
export { GatewayError, hasCode } from './errors.js';
export { channels } from './diagnostics.js';
export { ALL_STAGES, type Figures, type StageFigures, type ActivityChange } from './figures/figures.js';
export { createClusterBus } from './cluster/create-bus.js';
export type { ClusterBus, BusSubscription, BusResponder, BusListener } from './cluster/cluster-bus.js';
