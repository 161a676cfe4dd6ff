import { describe, expect, it } from 'vitest';
import { targetSchema } from './schemas';
import { parseTargetUri, targetToUri, type Target } from './target';

describe('target URIs', () => {
  it.each<[Target, string]>([
    [{ kind: 'phone', e164: '+14155552671' }, 'tel:+14155552671'],
    [{ kind: 'phone', e164: '+442079460958', ext: '204' }, 'tel:+442079460958;ext=204'],
    [{ kind: 'contact', id: '003A000001abcDE' }, 'contact:003A000001abcDE'],
  ])('%o ⇄ %s', (target, uri) => {
    expect(targetToUri(target)).toBe(uri);
    expect(parseTargetUri(uri)).toEqual(target);
  });

  it.each([
    'tel:14155552671',
    'tel:+0123',
    'tel:+1415555267112345678',
    'contact:',
    'contact:a b',
    'mailto:x@y',
    '',
  ])('rejects %s', (uri) => expect(parseTargetUri(uri)).toBeNull());

  it.each([
    { kind: 'phone', e164: '4155552671' },
    { kind: 'phone', e164: '+14155552671', ext: 'abc' },
    { kind: 'contact', id: '<script>' },
    { kind: 'email', id: 'x' },
  ])('schema rejects %o', (value) => expect(targetSchema.safeParse(value).success).toBe(false));
});

describe('data-c2c-target values', () => {
  it.each<Target>([
    { kind: 'phone', e164: '+14155552671' },
    { kind: 'phone', e164: '+14155552671', ext: '204' },
    { kind: 'contact', id: '0035g00000XyZabAAB' },
    { kind: 'contact', id: 'agent.jean', label: 'Jean' },
  ])('%j reads back as the same kind', (target) => {
    expect(parseTargetUri(targetToUri(target))).toMatchObject({ kind: target.kind });
  });
});
