// Contract: what VonageProvider hands to serverCall is exactly what the backend's answer webhook reads.
import { describe, expect, it, vi } from 'vitest';
import type { CallContext } from '../../../contract/call';
import type { Target } from '../../../contract/target';
import { vonageCallContextSchema } from '../../vonageContext';
import { DEFAULT_SETTINGS } from '../../../settings/schema';
import { buildVonageContext } from './buildVonageContext';
import { FakeVonageClient, fakeJwt } from './testing/FakeVonageClient';
import { VonageProvider } from './VonageProvider';

const targets: [string, Target][] = [
  ['phone', { kind: 'phone', e164: '+14155552671' }],
  ['phone with extension', { kind: 'phone', e164: '+447700900000', ext: '1234' }],
  ['contact', { kind: 'contact', id: 'agent.bob@example' }],
];

async function contextSentFor(target: Target, record?: CallContext): Promise<unknown> {
  const client = new FakeVonageClient();
  const provider = new VonageProvider({
    createClient: async () => client,
    fetch: async () =>
      Response.json({
        jwt: fakeJwt(Math.floor(Date.now() / 1000) + 3600),
        expiresAt: Date.now() + 3_600_000,
      }),
  });
  await provider.connect({
    backendUrl: 'http://backend.test',
    token: 'session-token',
    settings: DEFAULT_SETTINGS,
    emit: () => undefined,
    getMicrophone: vi.fn(async () => ({}) as MediaStream),
  });
  await provider.startCall('contract-call', target, undefined, record);
  return client.serverCall.mock.calls[0]![0];
}

describe('serverCall context contract', () => {
  it.each(targets)('%s: the context passes the shared schema unchanged', async (_name, target) => {
    const sent = await contextSentFor(target);
    expect(vonageCallContextSchema.parse(sent)).toEqual(sent);
    expect(sent).toEqual(buildVonageContext(target, 'contract-call'));
  });

  it('puts the destination in `to` (the webhook `to`) and everything else in custom data', async () => {
    expect(await contextSentFor({ kind: 'phone', e164: '+447700900000', ext: '1234' })).toEqual({
      type: 'phone',
      to: '447700900000',
      ext: '1234',
      callId: 'contract-call',
    });
    expect(await contextSentFor({ kind: 'contact', id: 'agent_7' })).toEqual({
      type: 'app',
      to: 'agent_7',
      callId: 'contract-call',
    });
  });

  it('carries who and which page the call was placed from, for the record', async () => {
    const record = {
      contactName: 'Ada Lovelace',
      pageUrl: 'https://crm.example.com/contacts/42',
      pageTitle: 'Ada — Contacts',
    };
    const sent = await contextSentFor({ kind: 'phone', e164: '+447700900000' }, record);
    expect(sent).toEqual({
      type: 'phone',
      to: '447700900000',
      callId: 'contract-call',
      context: record,
    });
    expect(vonageCallContextSchema.parse(sent)).toEqual(sent);
  });
});
