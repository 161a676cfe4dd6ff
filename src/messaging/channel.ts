// A typed request/response channel over runtime messaging: one protocol map per channel, every request
// validated at the receiver with the channel's schemas, every sender checked.
import { z } from 'zod';
import type { CallError } from '../call/state';
import { CallFailure } from '../call/provider';
import { createClient, type Client } from './client';
import type { Handlers, MessageSender, Protocol, SendMessage } from './types';

export type Schemas<P extends Protocol<P>> = { [K in keyof P]: z.ZodType<Parameters<P[K]>[0]> };

export type Reply = { ok: true; result: unknown } | { ok: false; error: CallError };

const envelopeSchema = z.object({ channel: z.string(), type: z.string(), data: z.unknown() });

export interface Channel<P extends Protocol<P>> extends Client<P> {
  /**
   * Builds a runtime.onMessage listener. Returns `undefined` (not ours, let others answer) or a
   * Promise of the reply. `allow` decides per message whether this sender may call this method.
   */
  listener(
    handlers: Handlers<P>,
    allow: (type: keyof P & string, sender: MessageSender) => boolean,
  ): (message: unknown, sender: MessageSender) => Promise<Reply> | undefined;
}

export function defineChannel<P extends Protocol<P>>(
  name: string,
  schemas: Schemas<P>,
  sendMessage: SendMessage,
): Channel<P> {
  return {
    name,
    send: createClient<P>(name, sendMessage).send,
    listener(handlers, allow) {
      return (message, sender) => {
        const envelope = envelopeSchema.safeParse(message);
        if (!envelope.success || envelope.data.channel !== name) return undefined;
        const { type, data } = envelope.data;
        if (!Object.hasOwn(schemas, type)) {
          return Promise.resolve(fail('bad-request', `unknown method ${name}.${type}`));
        }
        const method = type as keyof P & string;
        if (!allow(method, sender)) {
          return Promise.resolve(fail('bad-request', `sender not allowed for ${name}.${type}`));
        }
        const parsed = schemas[method].safeParse(data);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          return Promise.resolve(
            fail(
              'bad-request',
              `${name}.${type}: ${issue?.path.join('.') || 'data'} ${issue?.message ?? 'invalid'}`,
            ),
          );
        }
        return (async (): Promise<Reply> => {
          try {
            const result = await handlers[method](
              parsed.data as Parameters<P[typeof method]>[0],
              sender,
            );
            return { ok: true, result: result ?? null };
          } catch (error) {
            return { ok: false, error: CallFailure.from(error).toCallError() };
          }
        })();
      };
    },
  };
}

function fail(code: CallError['code'], detail: string): Reply {
  return { ok: false, error: { code, detail } };
}
