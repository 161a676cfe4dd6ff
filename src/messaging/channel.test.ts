import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { CallFailure } from '../call/provider';
import { defineChannel } from './channel';
import type { Envelope } from './types';

interface TestProtocol {
  add(data: { a: number; b: number }): number;
  fail(data: Record<string, never>): null;
}
const schemas = {
  add: z.object({ a: z.number(), b: z.number() }).strict(),
  fail: z.object({}).strict(),
};

function pair(allow = () => true) {
  const handlers = {
    add: vi.fn(({ a, b }: { a: number; b: number }) => a + b),
    fail: vi.fn(() => {
      throw new CallFailure('busy', 'line busy');
    }),
  };
  // The channel's transport calls straight into its own listener, as runtime messaging would.
  const transport: { listener?: (message: unknown, sender: { id: string }) => unknown } = {};
  const channel = defineChannel<TestProtocol>('test', schemas, async (message: Envelope) =>
    transport.listener!(message, { id: 'ext' }),
  );
  const listener = channel.listener(handlers, allow);
  transport.listener = listener;
  return { channel, handlers, listener };
}

describe('defineChannel', () => {
  it('round-trips a typed request', async () => {
    const { channel } = pair();
    await expect(channel.send('add', { a: 2, b: 3 })).resolves.toBe(5);
  });

  it('carries a CallFailure code across', async () => {
    const { channel } = pair();
    await expect(channel.send('fail', {})).rejects.toMatchObject({
      code: 'busy',
      detail: 'line busy',
    });
  });

  it.each([
    ['wrong type', { a: '2', b: 3 }],
    ['extra key', { a: 2, b: 3, c: 4 }],
    ['missing key', { a: 2 }],
    ['not an object', 'add'],
  ])('rejects invalid data (%s) without calling the handler', async (_name, data) => {
    const { listener, handlers } = pair();
    const reply = await listener({ channel: 'test', type: 'add', data }, { id: 'ext' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(handlers.add).not.toHaveBeenCalled();
  });

  it('rejects unknown methods, including inherited names', async () => {
    const { listener } = pair();
    for (const type of ['nope', 'toString', '__proto__', 'constructor']) {
      await expect(
        listener({ channel: 'test', type, data: {} }, { id: 'ext' }),
      ).resolves.toMatchObject({
        ok: false,
        error: { code: 'bad-request' },
      });
    }
  });

  it('ignores messages of other channels and garbage, so other listeners may answer', () => {
    const { listener } = pair();
    for (const message of [
      null,
      42,
      'x',
      { channel: 'other', type: 'add', data: {} },
      { type: 'add' },
    ]) {
      expect(listener(message, { id: 'ext' })).toBeUndefined();
    }
  });

  it('refuses senders the allow rule rejects', async () => {
    const { listener, handlers } = pair(() => false);
    await expect(
      listener({ channel: 'test', type: 'add', data: { a: 1, b: 1 } }, { id: 'evil' }),
    ).resolves.toMatchObject({
      ok: false,
    });
    expect(handlers.add).not.toHaveBeenCalled();
  });

  it('turns a transport failure into a CallFailure', async () => {
    const channel = defineChannel<TestProtocol>('test', schemas, () =>
      Promise.reject(new Error('Could not establish connection. Receiving end does not exist.')),
    );
    await expect(channel.send('add', { a: 1, b: 1 })).rejects.toBeInstanceOf(CallFailure);
  });
});

describe('failures across the channel', () => {
  it('keep the vendor code', async () => {
    const channel = defineChannel<TestProtocol>('test', schemas, async () => ({
      ok: false,
      error: { code: 'busy', detail: 'CleverTap says busy', vendorCode: 'ERR_USER_BUSY' },
    }));
    await expect(channel.send('fail', {})).rejects.toMatchObject({
      code: 'busy',
      vendorCode: 'ERR_USER_BUSY',
    });
  });
});
