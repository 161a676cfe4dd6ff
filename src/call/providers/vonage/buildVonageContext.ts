// The `serverCall` context for a target: exactly what the backend's answer webhook reads.
import { CallFailure } from '../../provider';
import type { Target } from '../../../contract/target';
import { vonageCallContextSchema, type VonageCallContext } from '../../vonageContext';

export function buildVonageContext(target: Target): VonageCallContext {
  const context =
    target.kind === 'phone'
      ? {
          type: 'phone' as const,
          to: target.e164.replace(/^\+/, ''),
          ...(target.ext ? { ext: target.ext } : {}),
        }
      : { type: 'app' as const, to: target.id };
  const parsed = vonageCallContextSchema.safeParse(context);
  if (!parsed.success) {
    throw new CallFailure(
      'invalid-target',
      parsed.error.issues[0]?.message ?? 'not a callable target',
    );
  }
  return parsed.data;
}
