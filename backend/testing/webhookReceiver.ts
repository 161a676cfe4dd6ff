// Test support: a real HTTP receiver on loopback that records webhook deliveries and fails on demand.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../outbox/sign';

export interface Received {
  eventId: string;
  type: string;
  body: string;
  signature: string | undefined;
  attempt: number;
  at: number;
  /** What the receiver answered: a status, or 'hang' (no answer: the sender times out). */
  answer: number | 'hang';
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Decides each answer from the count of requests so far (0-based); default 200. */
  respond: (index: number, req: Received) => number | 'hang';
  /** Event ids answered 2xx at least once. */
  deliveredIds(): Set<string>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startReceiver(secret?: string): Promise<Receiver> {
  const hanging = new Set<ServerResponse>();
  const receiver: Receiver = {
    url: '',
    received: [],
    respond: () => 200,
    deliveredIds() {
      return new Set(
        this.received
          .filter((r) => typeof r.answer === 'number' && r.answer < 300)
          .map((r) => r.eventId),
      );
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const signature = req.headers['x-c2c-signature'] as string | undefined;
      const entry: Received = {
        eventId: String(req.headers['idempotency-key'] ?? ''),
        type: String(req.headers['x-c2c-event'] ?? ''),
        body,
        signature,
        attempt: Number(req.headers['x-c2c-delivery-attempt']),
        at: Date.now(),
        answer: 200,
      };
      let answer = receiver.respond(receiver.received.length, entry);
      // A receiver that checks signatures answers 401 to a bad one, as docs/webhooks.md advises.
      if (secret && !verifySignature(secret, body, signature)) answer = 401;
      entry.answer = answer;
      receiver.received.push(entry);
      if (answer === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      res.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/c2c`;
  return receiver;
}
