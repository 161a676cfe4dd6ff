// How admin routes answer a refusal: the status of the error, an English message and, for the
// console, the locale key of the message (`code`) and per-field keys for form errors.
import type { Context } from 'hono';
import type { z } from 'zod';
import { issueKeys } from '../../src/contract/admin';
import english from '../../src/locales/en/admin.json';
import { AgentError } from '../agents';
import { LineError } from '../lines';
import { WebhookError } from '../outbox/endpoints';
import { AdminError } from './operations';
import { DispositionError } from '../calls/dispositions';

const messages = english as Record<string, string | { message: string }>;
const englishText = (key: string): string | undefined => {
  const m = messages[key];
  return typeof m === 'string' ? m : m?.message;
};

/** Parses a body or query with a shared schema; the failure as a 400 the form can show per field. */
export function parseOr400<T extends z.ZodType>(
  c: Context,
  schema: T,
  value: unknown,
): { ok: true; data: z.output<T> } | { ok: false; response: Response } {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, data: parsed.data };
  const fields = issueKeys(parsed.error);
  const first = Object.values(fields)[0] ?? 'adminErrInvalid';
  return {
    ok: false,
    response: c.json({ error: englishText(first) ?? 'Invalid input', code: first, fields }, 400),
  };
}

/** The answer for an error the admin operations throw; anything else is rethrown (a 500). */
export function refusal(c: Context, error: unknown): Response {
  if (error instanceof AdminError)
    return c.json(
      { error: error.message, ...(error.code ? { code: error.code } : {}) },
      error.status,
    );
  if (error instanceof AgentError || error instanceof LineError || error instanceof WebhookError) {
    const status = /^No (agent|webhook)/.test(error.message)
      ? 404
      : /already|bound to agent/.test(error.message)
        ? 409
        : 400;
    return c.json({ error: error.message }, status);
  }
  if (error instanceof DispositionError) return c.json({ error: error.message }, 400);
  throw error;
}

/** `If-Match: "3"` (or `3`, or `W/"3"`) → 3; undefined when absent or not a version. */
export function ifMatchVersion(header: string | undefined): number | undefined {
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header?.trim() ?? '');
  return match ? Number(match[1]) : undefined;
}

export const etag = (version: number) => `"${version}"`;
