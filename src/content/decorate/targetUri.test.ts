import { describe, expect, it } from 'vitest';
import { parseTargetUri, targetToUri, type Target } from '../../call/target';
import { targetUri } from './targetUri';

describe('targetUri', () => {
  it.each<Target>([
    { kind: 'phone', e164: '+14155552671' },
    { kind: 'phone', e164: '+14155552671', ext: '204' },
    { kind: 'contact', id: '0035g00000XyZabAAB' },
    { kind: 'contact', id: 'agent.jean', label: 'Jean' },
  ])('%j matches the shared contract', (target) => {
    expect(targetUri(target)).toBe(targetToUri(target));
    expect(parseTargetUri(targetUri(target))).toMatchObject({ kind: target.kind });
  });
});
