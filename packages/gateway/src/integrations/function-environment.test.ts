// The base environment of local functions: inherited host variables, the configured DynamoDB
// endpoint, and the credentials a function gets when the host gives none.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { functionBaseEnv } from './function-environment.js';

describe('functionBaseEnv', () => {
  it('passes on AWS_* and shell basics only, and adds local credentials when the host has none', () => {
    const env = functionBaseEnv(parseConfig({}), { PATH: '/bin', AWS_REGION: 'eu-west-1', SECRET_TOKEN: 'x', HOME: undefined });
    expect(env).toEqual({ PATH: '/bin', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
  });

  it("keeps the host's credentials or profile", () => {
    expect(functionBaseEnv(parseConfig({}), { AWS_ACCESS_KEY_ID: 'AKIDHOST', AWS_SECRET_ACCESS_KEY: 'host' })).toEqual({
      AWS_ACCESS_KEY_ID: 'AKIDHOST',
      AWS_SECRET_ACCESS_KEY: 'host',
    });
    expect(functionBaseEnv(parseConfig({}), { AWS_PROFILE: 'dev' })).toEqual({ AWS_PROFILE: 'dev' });
  });

  it('signs with the first verified access key when the management API verifies SigV4', () => {
    const config = parseConfig({ admin: { auth: { mode: 'verify', accessKeys: { AKIDONE: 'one', AKIDTWO: 'two' } } } });
    expect(functionBaseEnv(config, {})).toEqual({ AWS_ACCESS_KEY_ID: 'AKIDONE', AWS_SECRET_ACCESS_KEY: 'one' });
  });

  it('gives dynamodb.endpoint as AWS_ENDPOINT_URL_DYNAMODB, over the host variable', () => {
    const config = parseConfig({ dynamodb: { endpoint: 'http://127.0.0.1:8000' } });
    expect(functionBaseEnv(config, { AWS_ENDPOINT_URL_DYNAMODB: 'http://elsewhere:1' })['AWS_ENDPOINT_URL_DYNAMODB']).toBe(
      'http://127.0.0.1:8000',
    );
  });
});
