// Writes docs/configuration.md from the built config schema. Run after `npx tsc -b` (npm run build):
// `npm run docs:generate`. packages/gateway/src/config/docs.test.ts fails when the file is stale.
import { writeFile } from 'node:fs/promises';
import { renderConfigurationDoc } from '../packages/gateway/dist/config/docs.js';

const target = new URL('../docs/configuration.md', import.meta.url);
await writeFile(target, renderConfigurationDoc());
console.log(`wrote ${target.pathname}`);
