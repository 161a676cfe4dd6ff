// The `serverCall` context for a target: exactly what the backend's answer webhook reads.
import { CallFailure } from '../../provider';
import type { CallContext } from '../../../contract/call';
import type { Target } from '../../../contract/target';
import { vonageCallContextSchema, type VonageCallContext } from '../../vonageContext';

/**
 * `callId` (the extension's own id) and `context` (who, from which page) go to the call record;
 * an empty context is left out.
 */
export function buildVonageContext(
  target: Target,
  callId?: string,
  context?: CallContext,
): VonageCallContext {
  const record = {
    ...(callId ? { callId } : {}),
    ...(context && Object.keys(context).length > 0 ? { context } : {}),
  };
  const built =
    target.kind === 'phone'
      ? {
          type: 'phone' as const,
          to: target.e164.replace(/^\+/, ''),
          ...(target.ext ? { ext: target.ext } : {}),
          ...record,
        }
      : { type: 'app' as const, to: target.id, ...record };
  const parsed = vonageCallContextSchema.safeParse(built);
  if (!parsed.success) {
    throw new CallFailure(
      'invalid-target',
      parsed.error.issues[0]?.message ?? 'not a callable target',
    );
  }
  return parsed.data;
}
