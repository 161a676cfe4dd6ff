import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { CallSnapshot } from '../call/state';
import { SETTINGS_DEFAULTS } from '../contract/settings';
import type { LearnedContact } from '../messaging/background';
import type { OffscreenState } from '../messaging/offscreen';
import { Directory, type LearnedStore } from './directory';

/** An in-memory learned directory (the real one is IndexedDB, tested in the browser e2e). */
function memoryLearned(entries: LearnedContact[]): LearnedStore {
  const byNumber = new Map(entries.map((e) => [e.number, e]));
  return {
    learn: async (list) => void list.forEach((e) => byNumber.set(e.number, e)),
    lookup: async (number) => byNumber.get(number),
    search: async (q) => [...byNumber.values()].filter((e) => e.name.startsWith(q)),
    count: async () => byNumber.size,
    clear: async () => byNumber.clear(),
  };
}

const AUTH = {
  token: 't'.repeat(40),
  expiresAt: Date.now() + 3600_000,
  backendUrl: 'https://calls.example.com',
  agent: { name: 'ava', admin: false },
};

function call(callId: string, e164: string, extra: Partial<CallSnapshot> = {}): CallSnapshot {
  return {
    callId,
    provider: 'builtin',
    direction: 'inbound',
    target: { kind: 'phone', e164 },
    phase: 'incoming',
    muted: false,
    startedAt: 1,
    ...extra,
  };
}

const state = (c: CallSnapshot | null): OffscreenState =>
  ({
    configVersion: 'v',
    provider: { provider: 'builtin', state: 'ready' },
    call: c,
    waiting: null,
  }) as OffscreenState;

function companyFetch(contacts: Record<string, unknown>, delayMs = 0) {
  return vi.fn(async (input: RequestInfo | URL) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    expect(url.pathname).toBe('/api/directory/lookup');
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    const contact = contacts[url.searchParams.get('number')!] ?? null;
    return new Response(JSON.stringify({ contact }), {
      headers: { 'content-type': 'application/json' },
    });
  });
}

describe('Directory (caller ID)', () => {
  beforeEach(() => fakeBrowser.reset());

  it('names a call from the learned directory first, then the company directory, else not at all', async () => {
    const fetch = companyFetch({
      '+14155552671': { name: 'A. Thompson', company: 'Northwind', recordUrl: null },
      '+14155550100': { name: 'Ben Ortiz', company: 'Contoso', recordUrl: 'https://crm/r/2' },
    });
    const d = new Directory({
      auth: async () => AUTH as never,
      settings: async () => SETTINGS_DEFAULTS,
      learned: memoryLearned([
        { number: '+14155552671', name: 'Ava Thompson', url: 'https://crm/r/1', title: 'CRM' },
      ]),
      fetch: fetch as typeof globalThis.fetch,
    });
    const learned = call('c1', '+14155552671');
    const company = call('c2', '+14155550100');
    const unknown = call('c3', '+14155559999');
    for (const c of [learned, company, unknown]) await d.resolve(state(c));
    expect(d.enrich(learned)).toMatchObject({
      displayName: 'Ava Thompson',
      recordUrl: 'https://crm/r/1',
    });
    // A different name in the company directory: its company is not put on the learned person.
    expect(d.enrich(learned)?.company).toBeUndefined();
    expect(d.enrich(company)).toMatchObject({
      displayName: 'Ben Ortiz',
      company: 'Contoso',
      recordUrl: 'https://crm/r/2',
    });
    expect(d.enrich(unknown)).toEqual(unknown);
    // The CRM row's name (an outbound click) is kept.
    expect(d.enrich({ ...company, displayName: 'Row name' })?.displayName).toBe('Row name');
  });

  it('broadcasts again when a slow lookup finishes after the wait', async () => {
    const onLate = vi.fn();
    const d = new Directory({
      auth: async () => AUTH as never,
      settings: async () => SETTINGS_DEFAULTS,
      learned: memoryLearned([]),
      fetch: companyFetch(
        { '+14155550100': { name: 'Ben', company: null, recordUrl: null } },
        100,
      ) as typeof fetch,
      onLate,
    });
    const c = call('slow', '+14155550100');
    await d.resolve(state(c), 10);
    expect(d.enrich(c)?.displayName).toBeUndefined();
    await d.settled();
    await new Promise((r) => setTimeout(r, 0));
    expect(onLate).toHaveBeenCalledTimes(1);
    expect(d.enrich(c)?.displayName).toBe('Ben');
  });

  it('screen pop opens the record once when an inbound call is answered, only with the setting on', async () => {
    for (const screenPop of [false, true]) {
      fakeBrowser.reset();
      const d = new Directory({
        auth: async () => null,
        settings: async () => ({ ...SETTINGS_DEFAULTS, screenPop }),
        learned: memoryLearned([
          { number: '+14155552671', name: 'Ava', url: 'https://crm.example.com/r/1', title: '' },
        ]),
      });
      const ringing = call('c1', '+14155552671');
      await d.resolve(state(ringing));
      const active = { ...ringing, phase: 'active' as const };
      await d.afterChange(state(ringing), state(active));
      await d.afterChange(state(active), state(active));
      const tabs = await fakeBrowser.tabs.query({});
      expect(tabs.filter((t) => t.url === 'https://crm.example.com/r/1')).toHaveLength(
        screenPop ? 1 : 0,
      );
    }
  });

  it('Open record refuses a call without a record', async () => {
    const d = new Directory({
      auth: async () => null,
      settings: async () => SETTINGS_DEFAULTS,
      learned: memoryLearned([]),
    });
    await expect(d.handlers().openRecord({ callId: 'nope' }, {} as never)).rejects.toThrow(
      /no CRM record/,
    );
  });
});
