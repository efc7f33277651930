// Keeps docs/configuration.md in step with the schema: the checked-in file must equal the rendered doc.
import { readFile } from 'node:fs/promises';
import { describe, it, expect } from 'vitest';
import { exampleConfig, renderConfigurationDoc } from './docs.js';
import { envVarTable } from './env.js';
import { parseConfig } from './load.js';
import { configSettings } from './settings.js';

const docPath = new URL('../../../../docs/configuration.md', import.meta.url);

describe('docs/configuration.md', () => {
  it('is current', async () => {
    const onDisk = await readFile(docPath, 'utf8').catch(() => '(docs/configuration.md is missing)');
    expect(onDisk, 'docs/configuration.md is stale: run `npm run build && npm run docs:generate`').toBe(
      renderConfigurationDoc(),
    );
  });

  it('documents every setting and every variable', () => {
    const doc = renderConfigurationDoc();
    for (const setting of configSettings()) expect(doc).toContain(`| \`${setting.path}\` |`);
    for (const entry of envVarTable()) expect(doc).toContain(`\`${entry.env}\``);
    expect(doc).toContain('| `routes.<routeKey>.integration` |');
    expect(doc).toContain('| `integrations.<name>.uri` |');
  });

  it('shows an example that is a valid configuration', () => {
    expect(parseConfig(exampleConfig).routes.$default?.twoWay).toBe(true);
  });
});
