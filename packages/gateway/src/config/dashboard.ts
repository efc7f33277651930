/**
 * The `dashboard` section: the operator's web dashboard served at `/` on the admin listener, behind
 * the same authentication as the management API (see docs/dashboard.md).
 */
import { z } from 'zod';

export const dashboardSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        'Serve the web dashboard at `/` of the admin listener (with `admin.auth`, like the management API).',
      ),
    recentTraffic: z
      .int()
      .min(0)
      .max(200)
      .default(0)
      .describe(
        "Frames remembered per connection (direction, route or source, time) for the dashboard's connection details, e.g. 20 while debugging; 0 (the default) keeps none and subscribes to nothing, since it costs CPU on every message.",
      ),
  })
  .prefault({})
  .describe('Web dashboard.');

export type DashboardConfig = z.output<typeof dashboardSchema>;
