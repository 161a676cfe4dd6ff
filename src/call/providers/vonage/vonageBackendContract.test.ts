// Contract with the real backend: VonageProvider (fake SDK only) signs in with the backend's own JWT,
// the context it hands to serverCall is delivered to the backend's answer webhook the way Vonage
// delivers it (`to` as `to`, the rest as `custom_data`), and the NCCO that comes back connects the
// right endpoint; a refused destination reaches the agent as refused-by-policy with its reason.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeJwt } from 'jose';
import { addAgent } from '../../../../backend/agents';
import {
  makeTestApp,
  signWebhook,
  tempDir,
  testVonageConfig,
  type TestApp,
} from '../../../../backend/testing/support';
import type { ProviderEvent } from '../../provider';
import type { CallContext } from '../../../contract/call';
import type { Target } from '../../../contract/target';
import { vonageCallContextSchema } from '../../vonageContext';
import { DEFAULT_SETTINGS } from '../../../settings/schema';
import { FakeVonageClient } from './testing/FakeVonageClient';
import { VonageProvider } from './VonageProvider';

type Ncco = Record<string, unknown>[];

describe('VonageProvider ↔ backend answer webhook', () => {
  let t: TestApp;
  let token: string;
  const dir = tempDir();

  beforeAll(async () => {
    const { vonage } = testVonageConfig(dir.path);
    t = await makeTestApp('sqlite', {
      vonage,
      allowedCountries: ['GB', 'US'],
      publicUrl: 'https://c2c.example.com',
    });
    const { accessKey } = await addAgent(t.store, 'alice', { vonageUser: 'alice-v' });
    const res = await t.app.request('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessKey }),
    });
    token = ((await res.json()) as { token: string }).token;
  });
  afterAll(async () => {
    await t.close();
    dir.remove();
  });

  /** The backend app as `fetch`, for the provider's token and call-record requests. */
  const backendFetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    return t.app.request(`${url.pathname}${url.search}`, init);
  };

  async function place(target: Target, callId = 'contract-1', record?: CallContext) {
    const client = new FakeVonageClient();
    let n = 0;
    client.serverCall.mockImplementation(
      async () => `leg-${Date.now().toString(36)}-${++n}-${Math.random().toString(36).slice(2)}`,
    );
    const events: ProviderEvent[] = [];
    const provider = new VonageProvider({ createClient: async () => client, fetch: backendFetch });
    await provider.connect({
      backendUrl: 'http://backend.test',
      token,
      settings: DEFAULT_SETTINGS,
      emit: (event) => events.push(event),
      getMicrophone: vi.fn(async () => ({}) as MediaStream),
    });
    await provider.startCall(callId, target, record?.contactName, record);
    const context = vonageCallContextSchema.parse(client.serverCall.mock.calls[0]![0]);
    const uuid = await client.serverCall.mock.results[0]!.value;
    return { client, events, context, uuid: uuid as string };
  }

  /** What Vonage sends to the answer URL for a client SDK serverCall (GET, query string). */
  async function answerWebhook(context: Record<string, unknown>, uuid: string): Promise<Ncco> {
    const { to, ...custom } = context;
    const query = new URLSearchParams({
      uuid,
      conversation_uuid: `CON-${uuid}`,
      from_user: 'alice-v',
      to: String(to),
      custom_data: JSON.stringify(custom),
    });
    const res = await t.app.request(`/webhooks/answer?${query}`, {
      headers: { authorization: await signWebhook('') },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Ncco;
  }

  it('signs in with the JWT the backend issued for this agent', async () => {
    const { client } = await place({ kind: 'phone', e164: '+14155552671' });
    const jwt = client.createSession.mock.calls[0]![0];
    expect(decodeJwt(jwt)).toMatchObject({ sub: 'alice-v', application_id: expect.any(String) });
  });

  it('a phone number with an extension: the NCCO dials it from our number and sends the extension on answer', async () => {
    const { context, uuid } = await place({ kind: 'phone', e164: '+14155552671', ext: '42' });
    const ncco = await answerWebhook(context, uuid);
    const connect = ncco.find((action) => action.action === 'connect');
    expect(connect).toMatchObject({
      from: '447700900000',
      endpoint: [{ type: 'phone', number: '14155552671', dtmfAnswer: '42' }],
      eventUrl: ['https://c2c.example.com/webhooks/event'],
    });
  });

  it('a contact: the NCCO connects the app user', async () => {
    const { context, uuid } = await place({ kind: 'contact', id: 'bob.v' });
    const ncco = await answerWebhook(context, uuid);
    expect(ncco).toEqual([
      expect.objectContaining({ action: 'connect', endpoint: [{ type: 'app', user: 'bob.v' }] }),
    ]);
  });

  it.each([
    [{ kind: 'phone', e164: '+33612345678' } as Target, 'refused-by-policy', 'country-not-allowed'],
    [{ kind: 'phone', e164: '+14155550000999' } as Target, 'invalid-target', 'invalid-number'],
  ])(
    'a refused destination %j is spoken, recorded, and reaches the agent as %s',
    async (target, code, reason) => {
      const { client, events, context, uuid } = await place(target);
      const ncco = await answerWebhook(context, uuid);
      expect(ncco).toEqual([expect.objectContaining({ action: 'talk' })]);
      // The talk ends, Vonage hangs up our leg before any callee leg existed.
      client.fire('callHangup', uuid, {} as never, 'REMOTE_HANGUP');
      await vi.waitFor(() => expect(events.some((e) => e.type === 'ended')).toBe(true));
      expect(events.find((e) => e.type === 'ended')).toEqual({
        type: 'ended',
        callId: 'contract-1',
        reason: 'refused-by-policy',
        error: { code, detail: reason, vendorCode: reason },
      });
    },
  );

  it('the call record carries who and which page; the call bar’s wrap-up by our call id reaches it', async () => {
    const record = {
      contactName: 'Ada Lovelace',
      pageUrl: 'https://crm.example.com/contacts/42',
      pageTitle: 'Ada — Contacts',
    };
    const callId = crypto.randomUUID();
    const { context, uuid } = await place(
      { kind: 'phone', e164: '+14155552671', ext: '12' },
      callId,
      record,
    );
    await answerWebhook(context, uuid);
    expect(await t.store.getCall(uuid)).toMatchObject({
      contact_name: record.contactName,
      extension: '12',
      page_url: record.pageUrl,
      page_title: record.pageTitle,
    });
    // The call bar and popup know the call by `callId`, the record is the SDK leg's uuid.
    const res = await t.app.request(`/api/calls/${callId}/wrapup`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'Connected', notes: 'Spoke to Ada', followUpOn: null }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ uuid, outcome: 'Connected', notes: 'Spoke to Ada' });
  });
});
