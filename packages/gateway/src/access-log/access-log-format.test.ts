// Unit tests of the AccessLogSettings.Format renderer: both reference forms, literals, and `-` for missing values.
import { describe, expect, it } from 'vitest';
import { AccessLogFormat } from './access-log-format.js';

describe('AccessLogFormat', () => {
  it("renders AWS's typical JSON format", () => {
    const format = new AccessLogFormat(
      '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","caller":"$context.identity.caller","status":"$context.status"}',
    );
    const values: Record<string, string> = {
      requestId: 'R1knPH17NjMFftw=',
      'identity.sourceIp': '127.0.0.1',
      status: '200',
    };
    expect(format.render((name) => values[name])).toBe(
      '{"requestId":"R1knPH17NjMFftw=","ip":"127.0.0.1","caller":"-","status":"200"}',
    );
    expect(format.variables).toEqual(['requestId', 'identity.sourceIp', 'identity.caller', 'status']);
  });

  it('accepts ${context.x} references and text around them', () => {
    const format = new AccessLogFormat(
      '$context.eventType ${context.routeKey}: $context.authorizer.principalId.',
    );
    expect(
      format.render(
        (name) => ({ eventType: 'MESSAGE', routeKey: '$default', 'authorizer.principalId': 'me' })[name],
      ),
    ).toBe('MESSAGE $default: me.');
  });
});
