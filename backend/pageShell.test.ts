// The served pages share one shell: each loads its own app script, under its own headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageHtml } from './pageShell';
import { makeTestApp, type TestApp } from './testing/support';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp('sqlite', { demo: true });
});
afterAll(() => t.close());

describe('page shell', () => {
  it('puts the title, icon, extra head and script where a browser reads them', () => {
    const html = pageHtml({ title: 'T', icon: 'data:,', base: '/x', head: '<style>a{}</style>' });
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<meta name="click-to-call" content="off" />');
    expect(html).toContain(
      '<title>T</title>\n<link rel="icon" href="data:," />\n<style>a{}</style>\n</head>',
    );
    expect(html).toContain('<script type="module" src="/x/app.js"></script>');
  });

  it('serves the admin console uncached under its own policy, without a referrer', async () => {
    const page = await t.app.request('/admin');
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; script-src 'self'/,
    );
    const html = await page.text();
    expect(html).toContain('<title>Click-to-Call admin</title>');
    expect(html).toContain('<meta name="referrer" content="no-referrer" />');
    expect(html).toContain('<script type="module" src="/admin/app.js"></script>');
  });

  it('serves the softphone with its inline style and script', async () => {
    const html = await (await t.app.request('/softphone')).text();
    expect(html).toContain('.answer { background: #16a34a;');
    expect(html).toContain('<script type="module" src="/softphone/app.js"></script>');
  });
});
