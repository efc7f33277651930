// Unit tests for `integrations.NAME.batchSize`: default 1, 1 to 1000, and above 1 only on AWS_PROXY
// with `uri` (a local function or another integration type cannot answer a batch).
import { describe, expect, it } from 'vitest';
import { isConfigInvalid, type ConfigIssue } from './issues.js';
import { parseConfig } from './load.js';

const uri = 'http://127.0.0.1:3000/events';
const fn = { codeDir: '/tmp/lambda', handler: 'index.handler' };

/** The problems parseConfig reports for these integrations (none: an empty list). */
function issuesFor(
  integrations: Record<string, unknown>,
  functions: Record<string, unknown> = {},
): readonly ConfigIssue[] {
  try {
    parseConfig({ integrations, functions });
    return [];
  } catch (error) {
    if (isConfigInvalid(error)) return error.issues;
    throw error;
  }
}

const batchSizeMessage =
  'batchSize above 1 needs an AWS_PROXY integration with uri: only a Lambda-style HTTP backend answers a batch with an array of results';

describe('integrations.NAME.batchSize', () => {
  it('defaults to 1 on every integration type', () => {
    const config = parseConfig({
      integrations: {
        proxy: { uri },
        http: { type: 'HTTP', uri },
        lambda: { type: 'AWS_PROXY', uri },
        mock: { type: 'MOCK' },
      },
    });
    for (const integration of Object.values(config.integrations)) expect(integration.batchSize).toBe(1);
  });

  it('is accepted above 1 on AWS_PROXY with uri', () => {
    expect(issuesFor({ lambda: { type: 'AWS_PROXY', uri, batchSize: 64 } })).toEqual([]);
    expect(issuesFor({ lambda: { type: 'AWS_PROXY', uri, batchSize: 1000 } })).toEqual([]);
    expect(
      parseConfig({ integrations: { lambda: { type: 'AWS_PROXY', uri, batchSize: 64 } } }).integrations[
        'lambda'
      ]?.batchSize,
    ).toBe(64);
  });

  it('is accepted at 1 everywhere, AWS_PROXY with a function included', () => {
    expect(issuesFor({ proxy: { uri, batchSize: 1 }, mock: { type: 'MOCK', batchSize: 1 } })).toEqual([]);
    expect(issuesFor({ lambda: { type: 'AWS_PROXY', function: 'f', batchSize: 1 } }, { f: fn })).toEqual([]);
  });

  it('is refused above 1 on HTTP_PROXY (also by default type), HTTP and MOCK, with a clear message', () => {
    expect(issuesFor({ proxy: { type: 'HTTP_PROXY', uri, batchSize: 2 } })).toEqual([
      { path: 'integrations.proxy.batchSize', message: batchSizeMessage },
    ]);
    expect(issuesFor({ proxy: { uri, batchSize: 8 } })).toEqual([
      { path: 'integrations.proxy.batchSize', message: batchSizeMessage },
    ]);
    expect(issuesFor({ http: { type: 'HTTP', uri, batchSize: 8 } })).toEqual([
      { path: 'integrations.http.batchSize', message: batchSizeMessage },
    ]);
    expect(issuesFor({ mock: { type: 'MOCK', batchSize: 8 } })).toEqual([
      { path: 'integrations.mock.batchSize', message: batchSizeMessage },
    ]);
  });

  it('is refused above 1 on AWS_PROXY with a function, with or without a uri', () => {
    expect(issuesFor({ lambda: { type: 'AWS_PROXY', function: 'f', batchSize: 10 } }, { f: fn })).toEqual([
      { path: 'integrations.lambda.batchSize', message: batchSizeMessage },
    ]);
    expect(
      issuesFor({ lambda: { type: 'AWS_PROXY', function: 'f', uri, batchSize: 10 } }, { f: fn }),
    ).toContainEqual({
      path: 'integrations.lambda.batchSize',
      message: batchSizeMessage,
    });
  });

  it('puts the problem in the error message, one line per integration', () => {
    try {
      parseConfig({
        integrations: { a: { uri, batchSize: 2 }, b: { type: 'AWS_PROXY', uri, batchSize: 2 } },
      });
      expect.unreachable('parseConfig accepted batchSize 2 on HTTP_PROXY');
    } catch (error) {
      expect(isConfigInvalid(error)).toBe(true);
      expect((error as Error).message.split('\n')).toEqual([
        'Invalid configuration (1 problem):',
        `integrations.a.batchSize: ${batchSizeMessage}`,
      ]);
    }
  });

  it('is an integer from 1 to 1000', () => {
    for (const batchSize of [0, -1, 1001, 2.5, '8'])
      expect(issuesFor({ lambda: { type: 'AWS_PROXY', uri, batchSize } }).map((issue) => issue.path)).toEqual(
        ['integrations.lambda.batchSize'],
      );
  });
});

describe('integrations.NAME.batchesInFlight', () => {
  it('defaults to 0 (no limit) and is accepted with batchSize above 1', () => {
    const config = parseConfig({
      integrations: {
        plain: { type: 'AWS_PROXY', uri, batchSize: 8 },
        limited: { type: 'AWS_PROXY', uri, batchSize: 8, batchesInFlight: 2 },
      },
    });
    expect(config.integrations.plain?.batchesInFlight).toBe(0);
    expect(config.integrations.limited?.batchesInFlight).toBe(2);
  });

  it('is refused without batches, and when it is not a whole number from 0 to 1000', () => {
    expect(issuesFor({ lambda: { type: 'AWS_PROXY', uri, batchesInFlight: 2 } })).toEqual([
      expect.objectContaining({ path: 'integrations.lambda.batchesInFlight', message: 'batchesInFlight needs batchSize above 1' }),
    ]);
    expect(issuesFor({ lambda: { type: 'AWS_PROXY', uri, batchSize: 8, batchesInFlight: -1 } })).toHaveLength(1);
    expect(issuesFor({ lambda: { type: 'AWS_PROXY', uri, batchSize: 8, batchesInFlight: 1.5 } })).toHaveLength(1);
  });
});
