// A chat backend with rooms, built on Switchboard's groups: plain node:http, no dependencies, no
// state. Rooms are groups: a client joins one with ?room=NAME on connect or {"action":"join"}, and
// {"action":"say"} is one POST to the management API that reaches every member, on every node.
//   node examples/chat-groups/backend.mjs --port 3000      (--port 0 picks a free port)
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const ROOM = /^[A-Za-z0-9_.:-]{1,100}$/;

async function readBody(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function answer(response, status, body = '', headers = {}) {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  response.end(body);
}

/** `{"action": …, "room": …, "text": …}`, or undefined when the frame is not such JSON. */
function parse(body) {
  try {
    const message = JSON.parse(body);
    return typeof message === 'object' && message !== null ? message : undefined;
  } catch {
    return undefined;
  }
}

const server = createServer(async (request, response) => {
  const body = await readBody(request);
  const id = request.headers['x-switchboard-connection-id'];
  const management = request.headers['x-switchboard-management-url'];
  const { pathname, searchParams } = new URL(request.url, 'http://backend');
  switch (pathname) {
    case '/connect': {
      // The client's query string is appended to the $connect request.
      const room = searchParams.get('room') ?? 'lobby';
      if (!ROOM.test(room)) return answer(response, 400, 'room: 1 to 100 of A-Z a-z 0-9 _ . : -');
      return answer(response, 200, '', { 'x-switchboard-join-groups': `room.${room}` });
    }
    case '/join': {
      // Two-way: the reply confirms; the response headers move the connection between groups.
      const message = parse(body);
      if (message === undefined || !ROOM.test(String(message.room)))
        return answer(response, 200, 'usage: {"action":"join","room":"NAME"}');
      const headers = { 'x-switchboard-join-groups': `room.${message.room}` };
      if (typeof message.leave === 'string' && ROOM.test(message.leave))
        headers['x-switchboard-leave-groups'] = `room.${message.leave}`;
      return answer(response, 200, `joined ${message.room}`, headers);
    }
    case '/say': {
      // One-way: publish to the room's group; every member (the sender too) gets the frame.
      const message = parse(body);
      if (message === undefined || !ROOM.test(String(message.room))) return answer(response, 400);
      const frame = JSON.stringify({ room: message.room, from: id, text: String(message.text ?? '') });
      const published = await fetch(`${management}/@groups/room.${encodeURIComponent(message.room)}`, {
        method: 'POST',
        body: frame,
      });
      console.log(`say ${message.room} ${published.status} ${await published.text()}`);
      return answer(response, 202);
    }
    case '/help':
      return answer(
        response,
        200,
        'send {"action":"say","room":"lobby","text":"hi"} or {"action":"join","room":"NAME","leave":"OLD"}',
      );
    default:
      return answer(response, 404);
  }
});

const { values } = parseArgs({
  options: { port: { type: 'string', default: '3000' }, host: { type: 'string', default: '127.0.0.1' } },
});
server.listen(Number(values.port), values.host, () => {
  console.log(`listening on http://${values.host}:${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
