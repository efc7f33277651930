/**
 * Configuration warnings: settings that are valid but almost surely not what was meant (no routes at
 * all, a route key `default` for `$default`). The gateway starts anyway; the CLI logs each one at
 * startup and `switchboard config validate` prints them.
 */
import type { ConfigIssue } from './issues.js';
import type { Config } from './schema.js';

/** Route keys that AWS spells with a `$`; written without it they are custom keys that a message must name. */
const PREDEFINED_ROUTE_KEYS = ['$connect', '$disconnect', '$default'] as const;

/** Every warning about `config`, each with the setting path it is about and what to write instead. */
export function configWarnings(config: Config): readonly ConfigIssue[] {
  const routeKeys = Object.keys(config.routes);
  if (routeKeys.length === 0) return [noRoutesWarning()];
  return routeKeys.flatMap((key): ConfigIssue[] => {
    const meant = PREDEFINED_ROUTE_KEYS.find((predefined) => predefined.slice(1) === key.toLowerCase());
    return meant === undefined ? [] : [missingDollarWarning(key, meant)];
  });
}

function noRoutesWarning(): ConfigIssue {
  return {
    path: 'routes',
    message:
      'no routes are configured: clients can connect, but every message they send is answered with the "Forbidden" error frame. ' +
      'Add at least a catch-all route and its integration, e.g. routes: { $default: { integration: backend } } and ' +
      'integrations: { backend: { uri: http://127.0.0.1:3000/message } } (docs/configuration.md)',
  };
}

function missingDollarWarning(key: string, meant: (typeof PREDEFINED_ROUTE_KEYS)[number]): ConfigIssue {
  const what =
    meant === '$default'
      ? `a message reaches it only when its route selection expression evaluates to "${key}"; the catch-all route is "${meant}"`
      : `it is never called on ${meant === '$connect' ? 'a connect' : 'a disconnect'}, only for a message whose route selection expression evaluates to "${key}"; the ${meant === '$connect' ? 'connect' : 'disconnect'} route is "${meant}"`;
  return {
    path: `routes.${key}`,
    message:
      `route key "${key}" is a custom route key: ${what}. Write "${meant}" (with the $; in a shell, ` +
      `inside single quotes, so that the shell does not expand $${meant.slice(1)})`,
  };
}
