// The microphone request is bounded: Firefox never answers getUserMedia from a page not in front.
import { describe, expect, it, vi } from 'vitest';
import { openMicrophone } from './microphone';

function navigatorWith(getUserMedia: () => Promise<MediaStream>): Navigator {
  return {
    mediaDevices: { getUserMedia },
    permissions: { query: async () => ({ state: 'prompt' }) },
  } as unknown as Navigator;
}

describe('openMicrophone', () => {
  it('fails with mic-dismissed when getUserMedia never answers, and stops a late grant', async () => {
    let grant: (stream: MediaStream) => void = () => undefined;
    const nav = navigatorWith(() => new Promise<MediaStream>((resolve) => (grant = resolve)));
    await expect(openMicrophone(nav, 20)).rejects.toMatchObject({ code: 'mic-dismissed' });
    const stop = vi.fn();
    grant({ getTracks: () => [{ stop }] } as unknown as MediaStream);
    await vi.waitFor(() => expect(stop).toHaveBeenCalled());
  });

  it('returns the stream when getUserMedia answers in time', async () => {
    const stream = { getTracks: () => [] } as unknown as MediaStream;
    await expect(
      openMicrophone(
        navigatorWith(async () => stream),
        1000,
      ),
    ).resolves.toBe(stream);
  });

  it('maps a refusal to mic-dismissed while the permission is still to be asked', async () => {
    const nav = navigatorWith(async () => {
      throw new DOMException('no', 'NotAllowedError');
    });
    await expect(openMicrophone(nav, 1000)).rejects.toMatchObject({ code: 'mic-dismissed' });
  });
});
