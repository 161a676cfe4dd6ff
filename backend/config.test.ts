import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';
import { tempDir } from './testing/support';

const dir = tempDir();
afterAll(() => dir.remove());
const rsa = join(dir.path, 'rsa.pem');
const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
});
writeFileSync(rsa, rsaPem, { mode: 0o600 });
const shared = join(dir.path, 'shared.pem');
writeFileSync(shared, rsaPem, { mode: 0o600 });
chmodSync(shared, 0o640);
const ec = join(dir.path, 'ec.pem');
writeFileSync(
  ec,
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  }),
  { mode: 0o600 },
);
const junk = join(dir.path, 'junk.pem');
writeFileSync(junk, 'hello', { mode: 0o600 });

const vonage = {
  VONAGE_APPLICATION_ID: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
  VONAGE_PRIVATE_KEY_PATH: rsa,
  VONAGE_SIGNATURE_SECRET: 'x'.repeat(32),
  VONAGE_NUMBER: '+447700900000',
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
}

describe('loadConfig', () => {
  it('has working defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8787,
      dataDir: './data',
      demo: false,
      sessionTtlSec: 43_200,
    });
    expect(config.vonage).toBeUndefined();
    expect(config.databaseUrl).toBeUndefined();
  });

  it('reads every variable', () => {
    const config = loadConfig({
      ...vonage,
      PORT: '9000',
      DATA_DIR: '/tmp/x',
      DATABASE_URL: 'postgres://u:p@db:5432/c2c',
      ALLOWED_COUNTRIES: 'gb, us',
      CLEVERTAP_ACCOUNT_ID: 'acc',
      CLEVERTAP_API_KEY: 'key',
      CLEVERTAP_PROJECT_ID: 'proj',
      DEMO: '1',
      ALLOWED_ORIGINS: 'https://crm.example.com',
      SESSION_TTL: '3600',
      VONAGE_JWT_TTL: '600',
      TRUST_PROXY: '10.0.0.0/8, 192.0.2.1, fd00::/8',
    });
    expect(config).toMatchObject({
      port: 9000,
      dataDir: '/tmp/x',
      databaseUrl: 'postgres://u:p@db:5432/c2c',
      allowedCountries: ['GB', 'US'],
      clevertap: { accountId: 'acc', apiKey: 'key', projectId: 'proj' },
      demo: true,
      allowedOrigins: ['https://crm.example.com'],
      sessionTtlSec: 3600,
      trustProxy: ['10.0.0.0/8', '192.0.2.1', 'fd00::/8'],
      vonage: { number: '447700900000', jwtTtlSec: 600, privateKeyPath: rsa },
    });
  });

  it('keeps the Vonage token short, refuses GET answers and allows sales-call number types by default', () => {
    const config = loadConfig(vonage);
    expect(config.vonage).toMatchObject({ jwtTtlSec: 900, allowGetAnswer: false });
    expect(config.allowedNumberTypes).toEqual([
      'FIXED_LINE',
      'MOBILE',
      'FIXED_LINE_OR_MOBILE',
      'TOLL_FREE',
    ]);
  });

  it('reads ALLOWED_NUMBER_TYPES and VONAGE_ALLOW_GET_ANSWER', () => {
    const config = loadConfig({
      ...vonage,
      ALLOWED_NUMBER_TYPES: 'mobile, VOIP',
      VONAGE_ALLOW_GET_ANSWER: 'yes',
    });
    expect(config.allowedNumberTypes).toEqual(['MOBILE', 'VOIP']);
    expect(config.vonage?.allowGetAnswer).toBe(true);
  });

  it.each([
    [
      { ALLOWED_NUMBER_TYPES: 'MOBILE,SATELLITE' },
      /ALLOWED_NUMBER_TYPES: "SATELLITE" is not a number type/,
    ],
    [{ ...vonage, VONAGE_ALLOW_GET_ANSWER: 'maybe' }, /VONAGE_ALLOW_GET_ANSWER must be/],
    [{ PORT: 'eighty' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be between/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres: or postgresql: URL/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL is not a valid URL/],
    [{ ALLOWED_COUNTRIES: 'GBR' }, /not a two-letter country code/],
    [{ ALLOWED_ORIGINS: 'https://x.com/path' }, /is not an origin/],
    [{ SESSION_TTL: '5' }, /SESSION_TTL must be between/],
    [
      { TRUST_PROXY: 'proxy.internal' },
      /TRUST_PROXY: "proxy.internal" is not an IP address or CIDR/,
    ],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /TRUST_PROXY: "10.0.0.0\/33" is not/],
    [{ TRUST_PROXY: '10.0.0.0/8/8' }, /TRUST_PROXY: "10.0.0.0\/8\/8" is not/],
    [{ TRUST_PROXY: '::1/x' }, /TRUST_PROXY: "::1\/x" is not/],
    [{ CLEVERTAP_API_KEY: 'k' }, /CLEVERTAP_ACCOUNT_ID is required/],
    [{ CLEVERTAP_ACCOUNT_ID: 'a', CLEVERTAP_API_KEY: 'k' }, /CLEVERTAP_PROJECT_ID is required/],
    [{ VONAGE_NUMBER: '447700900000' }, /VONAGE_APPLICATION_ID is required/],
    [{ ...vonage, VONAGE_PRIVATE_KEY_PATH: '/nope.pem' }, /file not found: \/nope.pem/],
    [{ ...vonage, VONAGE_PRIVATE_KEY_PATH: junk }, /is not a PEM private key/],
    [{ ...vonage, VONAGE_PRIVATE_KEY_PATH: ec }, /is not an RSA key/],
    [
      { ...vonage, VONAGE_PRIVATE_KEY_PATH: shared },
      /shared\.pem is accessible by other users \(mode 0640\): run chmod 600/,
    ],
    [
      { ...vonage, VONAGE_NUMBER: '07700 900000' },
      /VONAGE_NUMBER must be digits with the country code/,
    ],
    [{ ...vonage, VONAGE_JWT_TTL: '90000' }, /VONAGE_JWT_TTL must be between 60 and 86400/],
    [{ ...vonage, VONAGE_CALL_LIMIT: '9000' }, /VONAGE_CALL_LIMIT must be between/],
  ])('reports %o', (env, message) => {
    const found = problems(env as Record<string, string>);
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  it('lists every problem at once', () => {
    const found = problems({ PORT: 'x', DATABASE_URL: 'y', VONAGE_NUMBER: '1' });
    expect(found.length).toBeGreaterThanOrEqual(6);
  });

  it('never puts secrets into error messages', () => {
    const found = problems({ ...vonage, VONAGE_SIGNATURE_SECRET: 'short-secret', PORT: 'x' });
    expect(found.join('\n')).not.toContain('short-secret');
  });
});
