import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError, runAdmin } from '../admin';
import { makeTestApp, tempDir, type TestApp } from '../testing/support';
import { startReceiver } from '../testing/webhookReceiver';
import { classifyAddress } from './address';
import { WebhookError, addEndpoint, checkEndpointUrl, listEndpoints } from './endpoints';
import { verifySignature } from './sign';

const STRICT = { allowLoopback: false };
const TESTS = { allowLoopback: true };

describe('classifyAddress', () => {
  it.each([
    ['93.184.216.34', 'public'],
    ['2606:2800:220:1:248:1893:25c8:1946', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.20.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['169.254.169.254', 'private'],
    ['0.0.0.0', 'private'],
    ['::', 'private'],
    ['fd00::1', 'private'],
    ['fe80::1', 'private'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:a9fe:a9fe', 'private'], // 169.254.169.254, hex form
    ['64:ff9b::192.168.0.1', 'private'],
    ['224.0.0.1', 'private'],
    ['not-an-ip', 'private'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });
});

describe('webhook endpoints (bad input)', () => {
  it.each([
    ['http://93.184.216.34/hook', /must use https:\/\//],
    ['ftp://93.184.216.34/hook', /must use https:\/\//],
    ['https://10.0.0.5/hook', /private, link-local or reserved/],
    ['https://169.254.169.254/latest/meta-data', /private, link-local or reserved/],
    ['https://[fd12::1]/hook', /private, link-local or reserved/],
    ['https://[::ffff:192.168.0.1]/hook', /private, link-local or reserved/],
    ['https://127.0.0.1/hook', /loopback address \(allowed only with WEBHOOKS_ALLOW_LOOPBACK=1/],
    ['https://[::1]:8443/hook', /loopback address/],
    ['https://localhost/hook', /localhost → .* loopback address/],
    ['http://127.0.0.1:9/hook', /must use https:\/\//],
    ['https://user:pw@93.184.216.34/hook', /must not contain credentials/],
    ['not a url', /Invalid webhook URL/],
  ])('refuses %s', async (url, message) => {
    await expect(checkEndpointUrl(url, STRICT)).rejects.toThrow(message);
    await expect(checkEndpointUrl(url, STRICT)).rejects.toBeInstanceOf(WebhookError);
  });

  it('accepts a public https address; loopback (and http there) only with the test option', async () => {
    expect((await checkEndpointUrl('https://93.184.216.34/hook', STRICT)).href).toBe(
      'https://93.184.216.34/hook',
    );
    await expect(checkEndpointUrl('http://127.0.0.1:9/hook', TESTS)).resolves.toBeInstanceOf(URL);
    await expect(checkEndpointUrl('https://10.0.0.1/hook', TESTS)).rejects.toThrow(/private/);
    await expect(
      checkEndpointUrl(`https://93.184.216.34/${'a'.repeat(2100)}`, STRICT),
    ).rejects.toThrow(/too long/);
  });
});

describe('admin CLI: webhook', () => {
  let t: TestApp;
  let dir: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    t = await makeTestApp('sqlite');
    dir = tempDir();
    mkdirSync(join(dir.path, 's'));
  });
  afterAll(async () => {
    await t.close();
    dir.remove();
  });

  it('refuses a short secret, a bad URL and stray options, storing nothing', async () => {
    const short = join(dir.path, 's', 'short');
    writeFileSync(short, 'x'.repeat(31) + '\n');
    await expect(
      runAdmin(t.store, ['webhook', 'add', 'https://93.184.216.34/h', '--secret-file', short]),
    ).rejects.toThrow(/secret too short: 31 bytes, at least 32/);
    await expect(
      runAdmin(t.store, [
        'webhook',
        'add',
        'https://93.184.216.34/h',
        '--secret-file',
        join(dir.path, 'nope'),
      ]),
    ).rejects.toThrow(/Cannot read secret file/);
    await expect(runAdmin(t.store, ['webhook', 'add', 'https://192.168.0.10/h'])).rejects.toThrow(
      /private/,
    );
    await expect(runAdmin(t.store, ['webhook', 'add'])).rejects.toBeInstanceOf(UsageError);
    await expect(runAdmin(t.store, ['webhook', 'list', '--secret-file', short])).rejects.toThrow(
      /for webhook add only/,
    );
    await expect(runAdmin(t.store, ['webhook', 'remove', 'abc'])).rejects.toThrow(
      /Invalid webhook id/,
    );
    await expect(runAdmin(t.store, ['webhook', 'remove', '999'])).rejects.toThrow(
      /No webhook with id 999/,
    );
    expect(await listEndpoints(t.store)).toEqual([]);
    expect(await runAdmin(t.store, ['webhook', 'list'])).toEqual([
      'No webhooks yet: npm run admin -- webhook add <https-url>',
    ]);
  });

  it('adds (generated or file secret), lists, tests and removes endpoints', async () => {
    const generated = await runAdmin(t.store, ['webhook', 'add', 'https://93.184.216.34/hook']);
    expect(generated[0]).toMatch(/^Added webhook \d+: https:\/\/93\.184\.216\.34\/hook$/);
    expect(Buffer.byteLength(generated[2]!)).toBeGreaterThanOrEqual(32);

    const file = join(dir.path, 's', 'good');
    const secret = 'receiver-shared-secret-0123456789-abcdef';
    writeFileSync(file, `${secret}\n`);
    const receiver = await startReceiver(secret);
    try {
      await expect(
        runAdmin(t.store, ['webhook', 'add', receiver.url, '--secret-file', file]),
      ).rejects.toThrow(/must use https/); // plain http to loopback: only with the test-only option
      const added = await runAdmin(
        t.store,
        ['webhook', 'add', receiver.url, '--secret-file', file],
        TESTS,
      );
      const id = /^Added webhook (\d+)/.exec(added[0]!)![1]!;
      expect(await runAdmin(t.store, ['webhook', 'test', id], TESTS)).toEqual([
        `Test delivery to webhook ${id}: HTTP 200.`,
      ]);
      const [sent] = receiver.received;
      expect(verifySignature(secret, sent!.body, sent!.signature)).toBe(true);
      expect(sent!.type).toBe('webhook.test');
      receiver.respond = () => 500;
      await expect(runAdmin(t.store, ['webhook', 'test', id], TESTS)).rejects.toThrow(
        `Test delivery to webhook ${id} failed: HTTP 500`,
      );
      const list = await runAdmin(t.store, ['webhook', 'list']);
      expect(list).toHaveLength(2);
      expect(list[1]).toBe(
        `${id}\t${receiver.url}\tdelivered=0\tfailed=0\tpending=0\tfailed-attempts=0`,
      );
      expect(await runAdmin(t.store, ['webhook', 'remove', id])).toEqual([
        `Removed webhook ${id} and its undelivered events.`,
      ]);
      expect(await listEndpoints(t.store)).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('a secret given through the domain function is checked too', async () => {
    await expect(
      addEndpoint(t.store, 'https://93.184.216.34/x', { secret: 'short', policy: STRICT }),
    ).rejects.toThrow(/too short/);
  });
});
