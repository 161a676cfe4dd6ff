import { describe, expect, it } from 'vitest';
import { summarizeStats } from './rtcStats';

const report = (entries: Record<string, unknown>[]) =>
  ({
    forEach: (fn: (e: Record<string, unknown>) => void) => entries.forEach(fn),
  }) as unknown as RTCStatsReport;

describe('summarizeStats', () => {
  it('adds up audio RTP both ways and reads jitter and the nominated pair round trip', () => {
    const stats = summarizeStats(
      'connected',
      report([
        { type: 'outbound-rtp', kind: 'audio', bytesSent: 1200 },
        { type: 'inbound-rtp', kind: 'audio', bytesReceived: 900, packetsLost: 2, jitter: 0.004 },
        { type: 'inbound-rtp', kind: 'video', bytesReceived: 99_999 },
        { type: 'candidate-pair', nominated: false, currentRoundTripTime: 0.5 },
        { type: 'candidate-pair', nominated: true, currentRoundTripTime: 0.012 },
      ]),
    );
    expect(stats).toEqual({
      connectionState: 'connected',
      bytesSent: 1200,
      bytesReceived: 900,
      packetsLost: 2,
      jitterMs: 4,
      roundTripMs: 12,
    });
  });

  it('reports zeros and unknowns for an empty report', () => {
    expect(summarizeStats('new', report([]))).toMatchObject({
      bytesReceived: 0,
      jitterMs: null,
      roundTripMs: null,
    });
  });
});
