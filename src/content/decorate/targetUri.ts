// `data-c2c-target` values. Same meaning as targetToUri in src/call/target.ts, without importing its
// zod schemas into the content script (they would more than double its size).
import type { Target } from '../../call/target';

export function targetUri(target: Target): string {
  if (target.kind === 'contact') return `contact:${target.id}`;
  return target.ext ? `tel:${target.e164};ext=${target.ext}` : `tel:${target.e164}`;
}
