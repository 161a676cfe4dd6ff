// "Copy diagnostics" for support: what the self-test saw, with anything secret-looking removed.
import type { AppState, Diagnostics } from '../messaging/background';

export interface SelfTestChecks {
  backend: { url: string; reachable: boolean; status?: number; ms?: number; error?: string } | null;
  microphone: { permission: string; device?: string; peakLevel?: number } | null;
  output: { device?: string; played: boolean } | null;
}

export interface ReportInput {
  generatedAt: string;
  userAgent: string;
  language: string;
  state: AppState | null;
  diagnostics: Diagnostics | null;
  checks: SelfTestChecks;
}

const SECRET_PATTERNS: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[redacted-jwt]'],
  [
    /\b(key|token|accessKey|access_key|secret|password|jwt|sig|signature)=([^&#\s"]+)/gi,
    '$1=[redacted]',
  ],
  [/\/\/[^/@\s"]+:[^/@\s"]+@/g, '//[redacted]@'],
  [/\b[A-Za-z0-9_-]{32,}\b/g, '[redacted]'],
];

/** Removes tokens, keys, credentials in URLs and long random strings from text. */
export function redact(text: string): string {
  return SECRET_PATTERNS.reduce(
    (out, [pattern, replacement]) => out.replace(pattern, replacement),
    text,
  );
}

const SECRET_KEYS = /^(token|accessKey|access_key|secret|password|authorization|jwt)$/i;

function scrub(value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map(scrub);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) ? '[redacted]' : scrub(v)]),
    );
  }
  return value;
}

export function diagnosticsReport(input: ReportInput): string {
  const { state } = input;
  const report = {
    generatedAt: input.generatedAt,
    userAgent: input.userAgent,
    language: input.language,
    extensionVersion: input.diagnostics?.extensionVersion ?? null,
    signedIn: Boolean(state?.agent),
    backendUrl: state?.backendUrl ?? null,
    provider: input.diagnostics?.provider ?? state?.provider ?? null,
    signallingRttMs: input.diagnostics?.signallingRttMs ?? null,
    microphonePermission: input.diagnostics?.microphone ?? null,
    call: input.diagnostics?.call ?? null,
    lastCallTiming: input.diagnostics?.lastCallTiming ?? null,
    currentCall: state?.call
      ? { phase: state.call.phase, provider: state.call.provider, error: state.call.error ?? null }
      : null,
    lastError: state?.lastError ?? null,
    checks: input.checks,
  };
  return `${JSON.stringify(scrub(report), null, 2)}\n`;
}
