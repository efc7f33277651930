/**
 * The configuration module's public face: loading and validating the configuration, the `--set`
 * flag, the SWITCHBOARD_* variable table and the generated docs/configuration.md.
 */
export {
  parseConfig,
  loadConfig,
  parseSetFlag,
  type LoadConfigOptions,
  type ConfigOverrides,
} from './load.js';
export {
  envVarTable,
  envVarName,
  readEnv,
  ENV_PREFIX,
  CONFIG_FILE_ENV,
  type EnvVar,
  type EnvLayer,
} from './env.js';
export { ConfigInvalidError, isConfigInvalid, type ConfigIssue } from './issues.js';
export { configWarnings } from './warnings.js';
export { configSettings, configSections, type Setting, type Section, type SettingKind } from './settings.js';
export { renderConfigurationDoc } from './docs.js';
export {
  configSchema,
  integrationSchema,
  routeSchema,
  type Config,
  type ConfigInput,
  type IntegrationConfig,
  type RouteConfig,
} from './schema.js';
