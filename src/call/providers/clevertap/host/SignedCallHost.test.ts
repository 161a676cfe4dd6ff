// @vitest-environment happy-dom
// Host details that need a DOM: the SDK's ringer is silenced while an incoming call rings (the
// offscreen document rings itself), and network loss during a call shows as media reconnecting.
import { describe, expect, it } from 'vitest';
import { PROTOCOL, type HostEvent, type HostMessage } from '../signedCallProtocol';
import { SignedCallHost } from './SignedCallHost';
import { fakeSdk } from './testing/FakeSignedCall';

const RINGTONE = 'https://extension.test/ringtone.wav';

async function signedIn() {
  const sdk = fakeSdk();
  const events: HostEvent[] = [];
  const host = new SignedCallHost({
    post: (message: HostMessage) => {
      if (message.kind === 'event') events.push(message.event);
    },
    loadSdk: async () => sdk,
    document,
    window,
  });
  await host.handle({
    protocol: PROTOCOL,
    kind: 'request',
    id: 1,
    method: 'init',
    params: {
      accountId: 'a',
      apikey: 'k',
      cuid: 'agent_alice',
      clevertapAccountId: 'P-1',
      ringtone: RINGTONE,
    },
  });
  return { sdk, host, events, client: sdk.client(), socket: sdk.client().sigsock.socket };
}

/** What the SDK's RingtonePlayer does: a looping <audio> with the ringtone appended to body. */
function sdkRinger(): HTMLAudioElement {
  const audio = document.createElement('audio');
  audio.src = RINGTONE;
  document.body.append(audio);
  return audio;
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('SignedCallHost in a document', () => {
  it('mutes the SDK ringer while an incoming call rings, and no longer once it is answered', async () => {
    const { host, socket } = await signedIn();
    const ringback = sdkRinger();
    socket.receive(
      'incoming_call',
      { call: 'sc-in-1', from: { cuid: 'bob_smith' } },
      () => undefined,
    );
    const ringer = sdkRinger();
    await flush(); // MutationObserver
    expect(ringer.muted).toBe(true);
    expect(ringback.muted).toBe(true); // any ringer already playing is silenced too
    await host.handle({
      protocol: PROTOCOL,
      kind: 'request',
      id: 2,
      method: 'answer',
      params: { callId: 'sc-in-1' },
    });
    const later = sdkRinger();
    await flush();
    expect(later.muted).toBe(false);
  });

  it('shows the network going away during a call as media reconnecting, and back', async () => {
    const { host, socket, events, client } = await signedIn();
    socket.receive(
      'incoming_call',
      { call: 'sc-in-2', from: { cuid: 'bob_smith' } },
      () => undefined,
    );
    await host.handle({
      protocol: PROTOCOL,
      kind: 'request',
      id: 2,
      method: 'answer',
      params: { callId: 'sc-in-2' },
    });
    expect(client.stateLogger('isAnswered')).toBe(true);
    window.dispatchEvent(new Event('offline'));
    window.dispatchEvent(new Event('online'));
    expect(events.filter((e) => e.type === 'media')).toEqual([
      { type: 'media', state: 'reconnecting' },
      { type: 'media', state: 'connected' },
    ]);
  });
});
