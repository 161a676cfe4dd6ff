// The pages the backend serves carry their own icon: a browser asks for no /favicon.ico (no 404).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../testing/support';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp('sqlite', { demo: true });
});
afterAll(() => t.close());

describe('served pages', () => {
  it.each(['/softphone', '/demo'])('%s has an inline icon its CSP allows', async (path) => {
    const page = await t.app.request(path);
    expect(page.status).toBe(200);
    const icon = /<link\s+rel="icon"\s+href="([^"]+)"/.exec(await page.text())?.[1];
    expect(icon).toMatch(/^data:image\/svg\+xml,/);
    expect(page.headers.get('content-security-policy')).toMatch(/img-src [^;]*data:/);
  });

  it('titles the softphone for a person', async () => {
    const html = await (await t.app.request('/softphone')).text();
    expect(html).toContain('<title>Customer phone · Click-to-Call demo</title>');
  });
});
