import { describe, expect, it } from 'vitest';
import type { AppState, Diagnostics } from '../messaging/background';
import { diagnosticsReport, redact } from './diagnosticsReport';

describe('redact', () => {
  it.each([
    ['Authorization: Bearer abc.def-123', 'Authorization: Bearer [redacted]'],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl here', 'jwt [redacted-jwt] here'],
    ['http://h/softphone#key=sk_live_1&line=tel', 'http://h/softphone#key=[redacted]&line=tel'],
    ['wss://h/ws?token=abc123', 'wss://h/ws?token=[redacted]'],
    ['https://user:pw@calls.example.com/x', 'https://[redacted]@calls.example.com/x'],
    ['id 0123456789abcdef0123456789abcdef01', 'id [redacted]'],
    ['HTTP 503 from https://calls.example.com', 'HTTP 503 from https://calls.example.com'],
  ])('%s', (input, output) => {
    expect(redact(input)).toBe(output);
  });
});

describe('diagnosticsReport', () => {
  const state: AppState = {
    agent: { name: 'agent1', admin: false },
    backendUrl: 'https://calls.example.com',
    provider: { provider: 'builtin', state: 'ready' },
    call: null,
    waiting: null,
    lastError: { code: 'backend-unreachable', detail: 'fetch https://x?token=s3cr3t failed' },
  };
  const diagnostics: Diagnostics = {
    extensionVersion: '0.1.0',
    provider: { provider: 'builtin', state: 'ready' },
    signallingRttMs: 12.5,
    call: null,
    microphone: 'granted',
    lastCallTiming: { clickToProviderMs: 8, clickToPlacedMs: 30 },
  };

  it('carries what support needs and no secret', () => {
    const text = diagnosticsReport({
      generatedAt: '2026-01-01T00:00:00.000Z',
      userAgent: 'Chrome',
      language: 'ja',
      state,
      diagnostics,
      checks: {
        backend: { url: 'https://calls.example.com', reachable: true, status: 200, ms: 20 },
        microphone: { permission: 'granted', device: 'Headset', peakLevel: 0.4 },
        output: { played: true },
      },
    });
    const report = JSON.parse(text) as Record<string, unknown>;
    expect(report).toMatchObject({
      extensionVersion: '0.1.0',
      signedIn: true,
      signallingRttMs: 12.5,
      lastCallTiming: { clickToProviderMs: 8 },
      checks: { backend: { reachable: true } },
    });
    expect(text).not.toContain('s3cr3t');
    expect(text).toContain('token=[redacted]');
  });
});
