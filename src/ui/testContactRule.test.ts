// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { ContactRule } from '../settings/schema';
import { testContactRule } from './testContactRule';

const html = `
  <table>
    <tr><td><a href="/people/ava-1/view" data-user="ava.t">Ava</a></td><td class="id">cust-1</td></tr>
    <tr><td><a href="/people/ben-2/view" data-user="ben.k">Ben</a></td><td class="id">cust-2</td></tr>
    <tr><td><a href="/other" data-user="has space">X</a></td><td class="id">cust-1</td></tr>
  </table>
  <script>window.ran = true</script>`;

const rule = (source: ContactRule['source'], selector = 'a[data-user]'): ContactRule => ({
  id: 'r',
  label: 'Rule',
  selector,
  source,
  enabled: false,
});

describe('testContactRule', () => {
  it.each([
    [rule({ type: 'attribute', name: 'data-user' }), ['ava.t', 'ben.k'], 3],
    [rule({ type: 'text' }, 'td.id'), ['cust-1', 'cust-2'], 3],
    [rule({ type: 'href', pattern: '/people/([a-z0-9-]+)/view' }), ['ava-1', 'ben-2'], 3],
    [rule({ type: 'text' }, '.nothing'), [], 0],
  ])('%o finds %o', (r, ids, matched) => {
    expect(testContactRule(r, html)).toEqual({ ok: true, ids, matched });
  });

  it('reports a broken selector and a broken pattern', () => {
    expect(testContactRule(rule({ type: 'text' }, 'a[[['), html)).toEqual({
      ok: false,
      reason: 'invalid-selector',
    });
    expect(testContactRule(rule({ type: 'href', pattern: '(' }), html)).toEqual({
      ok: false,
      reason: 'invalid-pattern',
    });
  });

  it('never runs the pasted scripts', () => {
    testContactRule(rule({ type: 'text' }, 'td'), html);
    expect((window as unknown as { ran?: boolean }).ran).toBeUndefined();
  });
});
