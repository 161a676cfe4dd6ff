// Backend configuration: read from environment variables, validated with one clear message per problem.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import { NUMBER_TYPES, type NumberType } from '../src/contract/numberTypes';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface VonageConfig {
  applicationId: string;
  privateKeyPath: string;
  signatureSecret: string;
  /** When set, signed webhooks must carry this `api_key`. */
  apiKey?: string;
  /** Caller ID and inbound number: digits with country code, no `+`. */
  number: string;
  /** Lifetime of the SDK JWT, seconds (≤ 86 400). */
  jwtTtlSec: number;
  /** Spoken before an outbound call is connected; empty for none. */
  talkText: string;
  /** NCCO connect `timeout` (ringing time), seconds. */
  connectTimeoutSec: number;
  /** NCCO connect `limit` (longest call), seconds (≤ 7 200). */
  callLimitSec: number;
  /** Outbound calls an agent may place per minute (toll-fraud guard). */
  callsPerMinute: number;
  /** Oldest accepted signed-webhook `iat`, seconds. */
  webhookMaxAgeSec: number;
  /**
   * Accept GET answer webhooks (the signature does not cover a query string): off unless the admin
   * opts in; POST, whose `payload_hash` binds the parameters, is the documented method.
   */
  allowGetAnswer: boolean;
}

export interface CleverTapConfig {
  /** Signed Call account id and API key (Signed Call's own dashboard settings). */
  accountId: string;
  apiKey: string;
  /** The CleverTap project (Web SDK) account id: not the same as the Signed Call account id. */
  projectId: string;
  region?: string;
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL URL; SQLite in `dataDir` when absent. */
  databaseUrl?: string;
  /** Public base URL (for the Vonage event URL); derived from the request when absent. */
  publicUrl?: string;
  vonage?: VonageConfig;
  /** ISO 3166 alpha-2 destination allow-list for phone calls; `['*']` allows every country. */
  allowedCountries: string[];
  /** libphonenumber number types (`getType()`) outbound phone calls may go to. */
  allowedNumberTypes: NumberType[];
  clevertap?: CleverTapConfig;
  demo: boolean;
  /** Extra CORS / WebSocket origins; the extension origin is always allowed. */
  allowedOrigins: string[];
  sessionTtlSec: number;
  /** Admin console: a session unused this long ends (`ADMIN_IDLE_TIMEOUT`, seconds). */
  adminIdleSec: number;
  /**
   * Reverse proxies (addresses and CIDRs) whose `X-Forwarded-For` names the client; from anyone
   * else the header is ignored and the socket address is the client.
   */
  trustProxy: string[];
  logLevel: LogLevel;
}

export { NUMBER_TYPES, type NumberType };
/** What a sales call needs; personal numbers, pagers, VoIP, UAN and premium rate need an admin's say. */
export const DEFAULT_NUMBER_TYPES: NumberType[] = [
  'FIXED_LINE',
  'MOBILE',
  'FIXED_LINE_OR_MOBILE',
  'TOLL_FREE',
];

export const defaultConfig: Config = {
  port: 8787,
  host: '0.0.0.0',
  dataDir: './data',
  allowedCountries: [],
  allowedNumberTypes: DEFAULT_NUMBER_TYPES,
  demo: false,
  allowedOrigins: [],
  sessionTtlSec: 12 * 3600,
  adminIdleSec: 30 * 60,
  trustProxy: [],
  logLevel: 'info',
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function intVar(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) {
    problems.push(`${name} must be a whole number (got "${raw}")`);
    return fallback;
  }
  const value = Number(raw);
  if (value < min || value > max)
    problems.push(`${name} must be between ${min} and ${max} (got ${value})`);
  return value;
}

function boolVar(env: Env, name: string, problems: string[]): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return false;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (!['0', 'false', 'no', 'off'].includes(raw))
    problems.push(`${name} must be 1/true/yes or 0/false/no (got "${env[name]?.trim()}")`);
  return false;
}

function urlVar(
  env: Env,
  name: string,
  protocols: string[],
  problems: string[],
): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    if (!protocols.includes(url.protocol)) {
      problems.push(`${name} must be a ${protocols.join(' or ')} URL (got ${url.protocol})`);
    }
  } catch {
    problems.push(`${name} is not a valid URL`);
  }
  return raw;
}

/**
 * Reads and checks an RSA private key (PKCS#1 or PKCS#8 PEM) that only its owner can read.
 * Throws a readable message.
 */
export function loadPrivateKey(path: string): KeyObject {
  if (!existsSync(path)) throw new Error(`VONAGE_PRIVATE_KEY_PATH: file not found: ${path}`);
  // Whoever reads the key can sign as the Vonage application (place calls on the account).
  const mode = statSync(path).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new Error(
      `VONAGE_PRIVATE_KEY_PATH: ${path} is accessible by other users (mode ${mode.toString(8).padStart(4, '0')}): run chmod 600 ${path}`,
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(path));
  } catch {
    throw new Error(`VONAGE_PRIVATE_KEY_PATH: ${path} is not a PEM private key`);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new Error(`VONAGE_PRIVATE_KEY_PATH: ${path} is not an RSA key (RS256 needs one)`);
  }
  return key;
}

const VONAGE_VARS = [
  'VONAGE_APPLICATION_ID',
  'VONAGE_PRIVATE_KEY_PATH',
  'VONAGE_SIGNATURE_SECRET',
  'VONAGE_NUMBER',
] as const;

function readVonage(env: Env, problems: string[]): VonageConfig | undefined {
  const anySet = Object.keys(env).some((k) => k.startsWith('VONAGE_') && env[k]?.trim());
  if (!anySet) return undefined;
  const missing = VONAGE_VARS.filter((k) => !env[k]?.trim());
  for (const name of missing) {
    problems.push(
      `${name} is required when Vonage is configured (other VONAGE_* variables are set)`,
    );
  }
  const applicationId = env.VONAGE_APPLICATION_ID?.trim() ?? '';
  if (applicationId && !/^[0-9a-f-]{36}$/i.test(applicationId)) {
    problems.push('VONAGE_APPLICATION_ID must be a UUID (the Vonage application id)');
  }
  const privateKeyPath = env.VONAGE_PRIVATE_KEY_PATH?.trim() ?? '';
  if (privateKeyPath) {
    try {
      loadPrivateKey(privateKeyPath);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const signatureSecret = env.VONAGE_SIGNATURE_SECRET?.trim() ?? '';
  if (signatureSecret && signatureSecret.length < 16) {
    problems.push(
      'VONAGE_SIGNATURE_SECRET looks too short (Vonage signature secrets are 32+ characters)',
    );
  }
  const number = (env.VONAGE_NUMBER?.trim() ?? '').replace(/^\+/, '');
  if (number && !/^[1-9]\d{6,14}$/.test(number)) {
    problems.push('VONAGE_NUMBER must be digits with the country code, e.g. 447700900000');
  }
  const vonage: VonageConfig = {
    applicationId,
    privateKeyPath,
    signatureSecret,
    number,
    // Short: a revoked agent's token keeps working with Vonage until it expires (the extension
    // refreshes at 75% of its life).
    jwtTtlSec: intVar(env, 'VONAGE_JWT_TTL', 900, 60, 86_400, problems),
    talkText: env.VONAGE_TALK_TEXT ?? 'Thank you for calling. Transferring you now.',
    connectTimeoutSec: intVar(env, 'VONAGE_CONNECT_TIMEOUT', 45, 3, 120, problems),
    callLimitSec: intVar(env, 'VONAGE_CALL_LIMIT', 3600, 60, 7200, problems),
    callsPerMinute: intVar(env, 'VONAGE_CALLS_PER_MINUTE', 6, 1, 1000, problems),
    webhookMaxAgeSec: intVar(env, 'VONAGE_WEBHOOK_MAX_AGE', 300, 10, 86_400, problems),
    allowGetAnswer: boolVar(env, 'VONAGE_ALLOW_GET_ANSWER', problems),
  };
  const apiKey = env.VONAGE_API_KEY?.trim();
  if (apiKey) vonage.apiKey = apiKey;
  return vonage;
}

function readCleverTap(env: Env, problems: string[]): CleverTapConfig | undefined {
  const accountId = env.CLEVERTAP_ACCOUNT_ID?.trim();
  const apiKey = env.CLEVERTAP_API_KEY?.trim();
  const projectId = env.CLEVERTAP_PROJECT_ID?.trim();
  if (!accountId && !apiKey && !projectId) return undefined;
  if (!accountId) problems.push('CLEVERTAP_ACCOUNT_ID is required to use CleverTap Signed Call');
  if (!apiKey) problems.push('CLEVERTAP_API_KEY is required to use CleverTap Signed Call');
  if (!projectId) {
    problems.push(
      'CLEVERTAP_PROJECT_ID is required to use CleverTap Signed Call (the CleverTap project account id, not the Signed Call account id)',
    );
  }
  const config: CleverTapConfig = {
    accountId: accountId ?? '',
    apiKey: apiKey ?? '',
    projectId: projectId ?? '',
  };
  const region = env.CLEVERTAP_REGION?.trim();
  if (region) config.region = region;
  return config;
}

function listVar(env: Env, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The addresses in a TRUST_PROXY list (`10.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`). Throws on a bad entry. */
export function proxyList(entries: string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    if (
      !family ||
      extra !== undefined ||
      (prefix !== undefined && (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits))
    ) {
      throw new Error(`TRUST_PROXY: "${entry}" is not an IP address or CIDR (e.g. 10.0.0.0/8)`);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

/** Builds the configuration from environment variables; throws ConfigError listing every problem. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const config: Config = {
    ...defaultConfig,
    port: intVar(env, 'PORT', defaultConfig.port, 0, 65_535, problems),
    host: env.HOST?.trim() || defaultConfig.host,
    dataDir: env.DATA_DIR?.trim() || defaultConfig.dataDir,
    allowedCountries: listVar(env, 'ALLOWED_COUNTRIES').map((c) => c.toUpperCase()),
    demo: ['1', 'true', 'yes'].includes((env.DEMO ?? '').trim().toLowerCase()),
    allowedOrigins: listVar(env, 'ALLOWED_ORIGINS'),
    sessionTtlSec: intVar(
      env,
      'SESSION_TTL',
      defaultConfig.sessionTtlSec,
      60,
      30 * 86_400,
      problems,
    ),
    adminIdleSec: intVar(
      env,
      'ADMIN_IDLE_TIMEOUT',
      defaultConfig.adminIdleSec,
      60,
      86_400,
      problems,
    ),
    trustProxy: listVar(env, 'TRUST_PROXY'),
    logLevel: defaultConfig.logLevel,
  };
  for (const entry of config.trustProxy) {
    try {
      proxyList([entry]);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const databaseUrl = urlVar(env, 'DATABASE_URL', ['postgres:', 'postgresql:'], problems);
  if (databaseUrl) config.databaseUrl = databaseUrl;
  const publicUrl = urlVar(env, 'PUBLIC_URL', ['http:', 'https:'], problems);
  if (publicUrl) config.publicUrl = publicUrl.replace(/\/+$/, '');
  for (const country of config.allowedCountries) {
    if (country !== '*' && !/^[A-Z]{2}$/.test(country)) {
      problems.push(`ALLOWED_COUNTRIES: "${country}" is not a two-letter country code (or *)`);
    }
  }
  const types = listVar(env, 'ALLOWED_NUMBER_TYPES').map((t) => t.toUpperCase());
  if (types.length) {
    const unknown = types.filter((t) => !(NUMBER_TYPES as readonly string[]).includes(t));
    for (const type of unknown) {
      problems.push(
        `ALLOWED_NUMBER_TYPES: "${type}" is not a number type (use ${NUMBER_TYPES.join(', ')})`,
      );
    }
    config.allowedNumberTypes = types as NumberType[];
  }
  for (const origin of config.allowedOrigins) {
    if (!/^(https?|chrome-extension|moz-extension):\/\/[^/\s]+$/.test(origin)) {
      problems.push(
        `ALLOWED_ORIGINS: "${origin}" is not an origin (scheme://host[:port], no path)`,
      );
    }
  }
  const level = env.LOG_LEVEL?.trim().toLowerCase();
  if (level) {
    if (['debug', 'info', 'warn', 'error', 'silent'].includes(level))
      config.logLevel = level as LogLevel;
    else problems.push('LOG_LEVEL must be debug, info, warn, error or silent');
  }
  const vonage = readVonage(env, problems);
  if (vonage) config.vonage = vonage;
  const clevertap = readCleverTap(env, problems);
  if (clevertap) config.clevertap = clevertap;
  if (problems.length) throw new ConfigError(problems);
  return config;
}
