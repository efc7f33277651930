// Mapping templates of non-proxy integrations without the network: template selection, the 300 KB
// limit, syntax errors named by integration, key and line, and integration-response selection.
import { describe, expect, it } from 'vitest';
import { integrationSchema } from '../config/schema.js';
import type { ApiIdentity, IntegrationEvent } from './integration-event.js';
import { MappingTemplates } from './mapping-templates.js';

const api: ApiIdentity = { apiId: 'a', domainName: 'd', region: 'r', clientPort: 1, clientProto: 'http' };
const event = (body: string): IntegrationEvent => ({
  eventType: 'MESSAGE',
  routeKey: 'r',
  connectionId: 'c',
  stage: 'dev',
  connectedAt: 0,
  handshake: { headers: {}, rawQuery: '', sourceIp: '', userAgent: '', forwardedFor: '' },
  requestId: 'q',
  messageId: 'm',
  requestTimeEpoch: 0,
  body: Buffer.from(body),
  managementUrl: '',
});
const templates = (input: Record<string, unknown>) =>
  new MappingTemplates('chat', integrationSchema.parse({ type: 'MOCK', ...input }), api, {});

describe('MappingTemplates', () => {
  it('selects by TemplateSelectionExpression, falls back to $default, and treats non-JSON as $default', () => {
    const t = templates({
      templateSelectionExpression: '${request.body.kind}',
      requestTemplates: { a: 'A', $default: 'D' },
    });
    const render = (body: string) => {
      const template = t.selectRequestTemplate(event(body));
      return template === undefined ? undefined : t.render(template, body, event(body));
    };
    expect(render('{"kind":"a"}')).toBe('A');
    expect(render('{"kind":"b"}')).toBe('D');
    expect(render('not json')).toBe('D');
  });

  it('refuses a template over 300 KB and names a syntax error by integration, key and line', () => {
    expect(() => templates({ requestTemplates: { big: 'x'.repeat(300 * 1024 + 1) } })).toThrow(
      /chat: request template "big" is larger than 300 KB/,
    );
    expect(() => templates({ requestTemplates: { $default: 'ok\n#if($x' } })).toThrow(
      /chat: request template "\$default": line 2/,
    );
  });

  it('picks the integration response by /regex/ on the status, else $default, and its template by selection expression', () => {
    const t = templates({
      integrationResponses: {
        '/5\\d\\d/': { templates: { $default: 'server $input.body' } },
        $default: {
          templateSelectionExpression: '${integration.response.statuscode}',
          templates: { '201': 'created', $default: 'other' },
        },
      },
    });
    expect(t.respond(503, {}, 'x', event(''))).toBe('server x');
    expect(t.respond(201, {}, 'x', event(''))).toBe('created');
    expect(t.respond(200, {}, 'x', event(''))).toBe('other');
    expect(templates({}).respond(200, {}, 'raw', event(''))).toBe('raw');
  });
});
