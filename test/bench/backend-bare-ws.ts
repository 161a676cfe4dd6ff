// The baseline for the capacity benchmark: a bare WebSocket relay (forwards each message to the socket
// named in it) and a bare SSE stream, no authentication, no storage.
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

const sockets = new Map<string, WebSocket>();
const server = createServer((req, res) => {
  if (req.url === '/healthz') return void res.end('{"ok":true}');
  if (req.url?.startsWith('/api/events')) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    res.write(': hello\n\n');
    const timer = setInterval(() => res.write(': heartbeat\n\n'), 15_000);
    req.on('close', () => clearInterval(timer));
    return;
  }
  res.statusCode = 404;
  res.end();
});
const wss = new WebSocketServer({ server, path: '/signal' });
wss.on('connection', (ws) => {
  let me: string | undefined;
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { t: string; token?: string; to?: string };
    if (message.t === 'auth') {
      me = `agent:${message.token}`;
      sockets.set(me, ws);
      ws.send(JSON.stringify({ t: 'ready', identity: me }));
    } else if (message.t === 'ping') ws.send(JSON.stringify({ t: 'pong', id: 0 }));
    else sockets.get(message.to ?? '')?.send(data.toString());
  });
  ws.on('close', () => {
    if (me && sockets.get(me) === ws) sockets.delete(me);
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
