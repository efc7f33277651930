// The VTL subset against the examples of AWS's mapping-template documentation (the photos example,
// the $context example, $input.params(), $util functions, the WebSocket $connect template) and the
// directives, escapes, limits and errors of the engine.
import { describe, expect, it } from 'vitest';
import type { IntegrationEvent, ApiIdentity } from '../../integrations/integration-event.js';
import {
  contextVariable,
  escapeJavaScript,
  inputVariable,
  urlDecode,
  urlEncode,
  utilVariable,
} from './api-gateway-variables.js';
import { VtlSyntaxError } from './vtl-parser.js';
import { VtlRenderError, VtlTemplate } from './vtl-render.js';

const api: ApiIdentity = {
  apiId: 'abcd1234',
  domainName: 'abcd1234.execute-api.us-east-1.amazonaws.com',
  region: 'us-east-1',
  clientPort: 443,
  clientProto: 'https',
};

function event(overrides: Partial<IntegrationEvent> = {}): IntegrationEvent {
  return {
    eventType: 'MESSAGE',
    routeKey: '$default',
    connectionId: 'R1kmxc2VNjMCFIA=',
    stage: 'prod',
    connectedAt: 1705751697419,
    handshake: {
      headers: {},
      rawQuery: '',
      sourceIp: '192.0.2.1',
      userAgent: 'curl/7.84.0',
      forwardedFor: '192.0.2.1',
    },
    requestId: 'R1knPH17NjMFftw=',
    messageId: 'R1knPc2ntjMCFIA=',
    requestTimeEpoch: 1705751700453,
    managementUrl: 'http://127.0.0.1:8081/prod',
    ...overrides,
  };
}

function render(
  template: string,
  body = '',
  ev: IntegrationEvent = event(),
  stageVariables: Record<string, string> = {},
): string {
  return new VtlTemplate(template).render({
    context: contextVariable(ev, api),
    input: inputVariable(body, ev),
    util: utilVariable,
    stageVariables,
  });
}

const photos = {
  photos: {
    page: 1,
    pages: '1234',
    perpage: 100,
    total: '123398',
    photo: [
      {
        id: '12345678901',
        owner: '23456789@A12',
        photographer_first_name: 'Saanvi',
        photographer_last_name: 'Sarkar',
        secret: 'abc123d456',
        server: '1234',
        farm: 1,
        title: 'Sample photo 1',
        ispublic: true,
        isfriend: false,
        isfamily: false,
      },
      {
        id: '23456789012',
        owner: '34567890@B23',
        photographer_first_name: 'Richard',
        photographer_last_name: 'Roe',
        secret: 'bcd234e567',
        server: '2345',
        farm: 2,
        title: 'Sample photo 2',
        ispublic: true,
        isfriend: false,
        isfamily: false,
      },
    ],
  },
};

describe('AWS documentation examples', () => {
  it('the photos output mapping template', () => {
    const template = `#set($inputRoot = $input.path('$'))
{
  "photos": [
#foreach($elem in $inputRoot.photos.photo)
    {
      "id": "$elem.id",
      "photographedBy": "$elem.photographer_first_name $elem.photographer_last_name",
      "title": "$elem.title",
      "ispublic": $elem.ispublic,
      "isfriend": $elem.isfriend,
      "isfamily": $elem.isfamily
    }#if($foreach.hasNext),#end
#end
  ]
}`;
    expect(JSON.parse(render(template, JSON.stringify(photos)))).toEqual({
      photos: [
        {
          id: '12345678901',
          photographedBy: 'Saanvi Sarkar',
          title: 'Sample photo 1',
          ispublic: true,
          isfriend: false,
          isfamily: false,
        },
        {
          id: '23456789012',
          photographedBy: 'Richard Roe',
          title: 'Sample photo 2',
          ispublic: true,
          isfriend: false,
          isfamily: false,
        },
      ],
    });
  });

  it('the photos input mapping template with numbers and strings from $input.path', () => {
    const template = `#set($inputRoot = $input.path('$'))
{ "page": $inputRoot.photos.page, "pages": "$inputRoot.photos.pages", "count": $inputRoot.photos.photo.size(), "first": "$inputRoot.photos.photo.get(0).title" }`;
    expect(JSON.parse(render(template, JSON.stringify(photos)))).toEqual({
      page: 1,
      pages: '1234',
      count: 2,
      first: 'Sample photo 1',
    });
  });

  it('example 1: $context variables, WebSocket ones filled and REST-only ones empty', () => {
    const template = `{ "stage" : "$context.stage", "request_id" : "$context.requestId", "api_id" : "$context.apiId", "http_method" : "$context.httpMethod", "source_ip" : "$context.identity.sourceIp", "user-agent" : "$context.identity.userAgent" }`;
    expect(JSON.parse(render(template))).toEqual({
      stage: 'prod',
      request_id: 'R1knPH17NjMFftw=',
      api_id: 'abcd1234',
      http_method: '',
      source_ip: '192.0.2.1',
      'user-agent': 'curl/7.84.0',
    });
  });

  it('example 2: all request parameters through $input.params() on $connect', () => {
    const template = `#set($allParams = $input.params())
{
"params" : {
#foreach($type in $allParams.keySet())
    #set($params = $allParams.get($type))
"$type" : {
    #foreach($paramName in $params.keySet())
    "$paramName" : "$util.escapeJavaScript($params.get($paramName))"
        #if($foreach.hasNext),#end
    #end
}
    #if($foreach.hasNext),#end
#end
}
}`;
    const connect = event({
      eventType: 'CONNECT',
      routeKey: '$connect',
      handshake: {
        headers: {},
        rawHeaders: ['Host', 'h', 'X-Token', 'a"b'],
        rawQuery: 'token=abc&x=1',
        sourceIp: '192.0.2.1',
        userAgent: '',
        forwardedFor: '',
      },
    });
    expect(JSON.parse(render(template, '', connect))).toEqual({
      params: { path: {}, querystring: { token: 'abc', x: '1' }, header: { Host: 'h', 'X-Token': 'a"b' } },
    });
    expect(render(`$input.params('token')|$input.params('x-token')|$input.params('none')`, '', connect)).toBe(
      'abc|a"b|',
    );
  });

  it('the WebSocket $connect template of the developer guide', () => {
    const connect = event({
      eventType: 'CONNECT',
      routeKey: '$connect',
      handshake: { headers: {}, rawQuery: '', sourceIp: '192.0.2.1', userAgent: '', forwardedFor: '' },
    });
    const out = render(
      '{ "connectionId": "$context.connectionId", "domain": "$context.domainName", "stage": "$context.stage", "params": "$input.params()" }',
      '',
      connect,
    );
    expect(out).toBe(
      '{ "connectionId": "R1kmxc2VNjMCFIA=", "domain": "abcd1234.execute-api.us-east-1.amazonaws.com", "stage": "prod", "params": "{path={}, querystring={}, header={}}" }',
    );
  });

  it('$input.json and $input.path as the reference describes them', () => {
    const body = '{"name":"Bella","pets":[{"type":"dog"},{"type":"cat"}],"nested":{"a":[1,2]}}';
    expect(render(`$input.json('$.name')`, body)).toBe('"Bella"');
    expect(render(`$input.json('$.nested')`, body)).toBe('{"a":[1,2]}');
    expect(render(`$input.json('$')`, body)).toBe(body);
    expect(render(`$input.path('$.pets').size()`, body)).toBe('2');
    expect(render(`$input.path('$.pets[1].type')`, body)).toBe('cat');
    expect(render(`$input.json('$.pets[*].type')`, body)).toBe('["dog","cat"]');
    expect(render(`$input.json('$..type')`, body)).toBe('["dog","cat"]');
    expect(render(`$input.path('$.nested')`, body)).toBe('{a=[1, 2]}');
  });

  it('$input.body is inserted raw, not escaped, as AWS does', () => {
    expect(render('{"raw": "$input.body"}', 'say "hi"')).toBe('{"raw": "say "hi""}');
    expect(render('{"escaped": "$util.escapeJavaScript($input.body)"}', 'say "hi"')).toBe(
      '{"escaped": "say \\"hi\\""}',
    );
  });

  it('$util functions', () => {
    expect(escapeJavaScript(`it's "x"\n\t/\\é`)).toBe(`it\\'s \\"x\\"\\n\\t\\/\\\\\\u00E9`);
    expect(
      render(`#set($o = $util.parseJson($input.path('$.s')))$o.a.b`, '{"s":"{\\"a\\":{\\"b\\":7}}"}'),
    ).toBe('7');
    expect(urlEncode('a b&c=d/é*~')).toBe('a+b%26c%3Dd%2F%C3%A9*%7E');
    expect(urlDecode('a+b%26c')).toBe('a b&c');
    expect(render(`$util.base64Encode('hello')|$util.base64Decode('aGVsbG8=')`)).toBe('aGVsbG8=|hello');
    expect(render(`$util.urlEncode($input.path('$.q'))`, '{"q":"x y"}')).toBe('x+y');
  });

  it('$stageVariables', () => {
    expect(
      render('$stageVariables.table/${stageVariables.region}', '', event(), { table: 'chat', region: 'eu' }),
    ).toBe('chat/eu');
  });

  it('$context.authorizer values are strings, as AWS stringifies them', () => {
    const authorized = event({
      authorizer: { principalId: 'user-1', integrationLatency: 4, context: { n: 1, ok: true, s: 'x' } },
    });
    expect(
      render(
        '$context.authorizer.principalId $context.authorizer.n $context.authorizer.ok $context.authorizer.s',
        '',
        authorized,
      ),
    ).toBe('user-1 1 true x');
  });
});

describe('directives', () => {
  it('#if, #elseif, #else with comparisons and logic', () => {
    const template = `#set($n = $input.path('$.n'))#if($n > 10 && $n != 12)big#elseif($n == 12)twelve#else small#end`;
    expect(render(template, '{"n":11}')).toBe('big');
    expect(render(template, '{"n":12}')).toBe('twelve');
    expect(render(template, '{"n":1}')).toBe(' small');
    expect(render(`#if(!$input.path('$.missing'))none#end`, '{}')).toBe('none');
    expect(render(`#if($input.path('$.a') == "x" or $input.path('$.b'))yes#end`, '{"a":"x"}')).toBe('yes');
  });

  it('#foreach over lists, ranges and maps, with $foreach.index and #break', () => {
    expect(render('#foreach($i in [1..4])$i#if($foreach.hasNext),#end#end')).toBe('1,2,3,4');
    expect(render('#set($m = {"a": 1, "b": 2})#foreach($k in $m.keySet())$k$foreach.index#end')).toBe('a0b1');
    expect(render('#foreach($i in [1, 2, 3])#if($i == 2)#break#end$i#end')).toBe('1');
  });

  it('stops #foreach past 1000 iterations', () => {
    expect(render('#foreach($i in [1..1000])#end done')).toBe(' done');
    expect(() => render('#foreach($i in [1..1001])#end')).toThrow(VtlRenderError);
  });

  it('#set with maps, lists, string interpolation and arithmetic', () => {
    expect(
      render(
        '#set($m = {"k": "v"})#set($m.k2 = "w")$m.get("k")$m.k2 #set($l = [])$l.add(3)$l.size() #set($s = "id-$context.stage")$s #set($x = 7 / 2 + 1)$x',
      ),
    ).toBe('vw true1 id-prod 4');
  });

  it('drops lines that hold only a directive', () => {
    expect(render('a\n  #set($x = 1)\nb$x\n#if(true)\nc\n#end\nd')).toBe('a\nb1\nc\nd');
  });

  it('comments, escapes, quiet and formal references, literal $ and #', () => {
    expect(
      render('## a comment\nx#* block *#y \\$context.stage $!nothing ${context.stage}s $ 5 # 1 $nothing'),
    ).toBe('xy $context.stage  prods $ 5 # 1 ');
  });
});

describe('errors', () => {
  it('a syntax error names its line', () => {
    expect(() => new VtlTemplate('ok\n#if($a')).toThrow(VtlSyntaxError);
    expect(() => new VtlTemplate('ok\n#if($a)x')).toThrow(/line 2: missing #end/);
    expect(() => new VtlTemplate('#end')).toThrow(/#end without/);
  });

  it('render errors are VtlRenderError, never a crash', () => {
    expect(() => render(`$util.parseJson('{bad')`)).toThrow(VtlRenderError);
    expect(() => render(`$input.path('$.a')`, 'not json')).toThrow(VtlRenderError);
    expect(() => render(`$context.stage.nope()`)).toThrow(VtlRenderError);
  });
});
