/**
 * Names that point into a map of the configuration (`routes.<key>.integration` → `integrations`):
 * an unknown one is reported beside every other problem, with the nearest defined name suggested.
 */
import type { z } from 'zod';
import { isPlainObject } from './merge.js';
import { closestName } from './suggest.js';

/**
 * The refinement that reports each route naming an integration that `integrations` does not define.
 * It runs even when other settings failed (also inside the same route or integration: a broken
 * integration still has its name), so it reads the possibly partial value defensively and skips
 * what is not there to read: a `routes` or `integrations` that is not a map, a route that is not
 * an object, an `integration` that is not a name (those have their own problems).
 */
export function checkIntegrationNames(config: unknown, ctx: z.RefinementCtx): void {
  if (!isPlainObject(config)) return;
  const { routes, integrations } = config;
  if (!isPlainObject(routes) || !isPlainObject(integrations)) return;
  const defined = Object.keys(integrations);
  for (const [key, route] of Object.entries(routes)) {
    if (!isPlainObject(route)) continue;
    const name = route.integration;
    if (typeof name !== 'string' || name === '' || Object.hasOwn(integrations, name)) continue;
    ctx.addIssue({
      code: 'custom',
      path: ['routes', key, 'integration'],
      message: unknownNameMessage('integration', name, defined),
    });
  }
}

/**
 * `unknown integration "backnd" (did you mean "backend"?)`; without a near name, the defined ones
 * (or that there are none), so the reader never has to look elsewhere for what would be accepted.
 */
export function unknownNameMessage(what: string, name: string, defined: readonly string[]): string {
  const unknown = `unknown ${what} "${name}"`;
  const guess = closestName(name, defined);
  if (guess !== undefined) return `${unknown} (did you mean "${guess}"?)`;
  if (defined.length === 0) return `${unknown}: no ${what}s are defined (add one under ${what}s)`;
  const listed = defined.slice(0, 10).map((each) => `"${each}"`).join(', ');
  return `${unknown} (the ${what}s are ${listed}${defined.length > 10 ? ', …' : ''})`;
}
