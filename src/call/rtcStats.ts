// Audio statistics of a live call from a WebRTC stats report, for diagnostics and the self-test.
import type { CallStats } from './provider';

/** Audio totals and quality from an RTCStatsReport (outbound/inbound RTP, the selected candidate pair). */
export function summarizeStats(connectionState: string, report: RTCStatsReport): CallStats {
  const stats: CallStats = {
    connectionState,
    bytesSent: 0,
    bytesReceived: 0,
    packetsLost: 0,
    jitterMs: null,
    roundTripMs: null,
  };
  report.forEach((entry: Record<string, unknown>) => {
    if (entry.kind !== undefined && entry.kind !== 'audio') return;
    if (entry.type === 'outbound-rtp') stats.bytesSent += Number(entry.bytesSent ?? 0);
    if (entry.type === 'inbound-rtp') {
      stats.bytesReceived += Number(entry.bytesReceived ?? 0);
      stats.packetsLost += Number(entry.packetsLost ?? 0);
      if (typeof entry.jitter === 'number') stats.jitterMs = entry.jitter * 1000;
    }
    if (
      entry.type === 'candidate-pair' &&
      entry.nominated &&
      typeof entry.currentRoundTripTime === 'number'
    ) {
      stats.roundTripMs = entry.currentRoundTripTime * 1000;
    }
  });
  return stats;
}
