import { describe, expect, it } from 'vitest';
import { callContextSchema, wrapupSchema } from './schemas';

describe('callContextSchema', () => {
  it.each([
    [
      { contactName: 'Müller, Hans', pageUrl: 'https://crm.example.com/c/1', pageTitle: 'Hans' },
      true,
    ],
    [{ pageUrl: 'http://localhost:3000/demo' }, true],
    [{}, true],
    [{ pageUrl: 'javascript:alert(1)' }, false],
    [{ pageUrl: 'data:text/html,hi' }, false],
    [{ pageUrl: 'file:///etc/passwd' }, false],
    [{ pageUrl: 'not a url' }, false],
    [{ pageUrl: `https://x.example/${'a'.repeat(2000)}` }, false],
    [{ contactName: 'a'.repeat(201) }, false],
    [{ contactName: 'two\nlines' }, false],
    [{ pageTitle: 'bell\u0007' }, false],
    [{ pageTitle: 't'.repeat(301) }, false],
    [{ other: 1 }, false],
  ])('%j → %s', (value, ok) => {
    expect(callContextSchema.safeParse(value).success).toBe(ok);
  });
});

describe('wrapupSchema', () => {
  const good = { outcome: 'Connected', notes: 'line one\nline two\ttab', followUpOn: '2026-12-04' };
  it.each([
    [good, true],
    [{ ...good, outcome: null, notes: '', followUpOn: null }, true],
    [{ ...good, notes: 'n'.repeat(5000) }, true],
    [{ ...good, notes: 'n'.repeat(5001) }, false],
    [{ ...good, outcome: '' }, false],
    [{ ...good, outcome: 'o'.repeat(61) }, false],
    [{ ...good, followUpOn: '2026-02-30x' }, false],
    [{ ...good, followUpOn: '12/04/2026' }, false],
    [{ outcome: null, notes: '' }, false],
  ])('%j → %s', (value, ok) => {
    expect(wrapupSchema.safeParse(value).success).toBe(ok);
  });
});
