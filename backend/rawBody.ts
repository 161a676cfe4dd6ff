// Reads a request body as text. Under Node it reads the IncomingMessage directly: building a
// WHATWG Request and stream for every webhook costs more than the webhook's own work.
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';

export async function readBody(c: Context, limit: number): Promise<string> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || typeof incoming.on !== 'function' || incoming.readableEnded) {
    const text = await c.req.text();
    if (Buffer.byteLength(text) > limit)
      throw new HTTPException(413, { message: 'Request body too large' });
    return text;
  }
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        incoming.removeAllListeners('data');
        incoming.resume();
        reject(new HTTPException(413, { message: 'Request body too large' }));
        return;
      }
      chunks.push(chunk);
    });
    incoming.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    incoming.once('error', () =>
      reject(new HTTPException(400, { message: 'Request body could not be read' })),
    );
    incoming.once('aborted', () => reject(new HTTPException(400, { message: 'Request aborted' })));
  });
}
