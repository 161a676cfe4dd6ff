// @vitest-environment happy-dom
// Recall and precision of the whole decorator on the labelled CRM fixture corpus (test/fixtures/crm).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isValidPhoneNumber } from 'libphonenumber-js/max';
import { DEFAULT_SETTINGS } from '../settings/schema';
import { startDecorating } from '../content/decorate';
import { manualScheduler } from '../content/decorate/testing';

const DIR = join(__dirname, '../../test/fixtures/crm');
const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith('.html'))
  .sort();

interface Expected {
  defaultCountry: string;
  contactPresets: string[];
  targets: string[];
}

function load(file: string): Expected {
  const html = readFileSync(join(DIR, file), 'utf8');
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)![1]!;
  document.body.innerHTML = body;
  return JSON.parse(document.getElementById('c2c-expected')!.textContent!) as Expected;
}

/** Multiset difference: items of `a` not matched in `b`. */
function minus(a: string[], b: string[]): string[] {
  const left = new Map<string, number>();
  for (const x of b) left.set(x, (left.get(x) ?? 0) + 1);
  const out: string[] = [];
  for (const x of a) {
    const n = left.get(x) ?? 0;
    if (n > 0) left.set(x, n - 1);
    else out.push(x);
  }
  return out;
}

const totals = { expected: 0, found: 0, truePositives: 0 };
const report: string[] = [];

describe('fixture corpus', () => {
  it('has the CRM pages the issue asks for', () => {
    expect(FIXTURES).toEqual(
      expect.arrayContaining([
        'salesforce-list.html',
        'salesforce-record.html',
        'hubspot-contacts.html',
        'zoho-contacts.html',
        'pipedrive-persons.html',
        'dynamics-contacts.html',
        'email-thread.html',
        'intranet-directory.html',
      ]),
    );
  });

  it.each(FIXTURES)('%s', (file) => {
    const expected = load(file);
    // The labels themselves must be right: every phone target valid for libphonenumber-js (max metadata).
    for (const t of expected.targets) {
      if (!t.startsWith('tel:')) continue;
      const e164 = t.slice(4).split(';')[0]!;
      expect(isValidPhoneNumber(e164), `label ${t} in ${file}`).toBe(true);
    }
    const textBefore = document.body.textContent;
    const controller = new AbortController();
    const scheduler = manualScheduler();
    startDecorating({
      document,
      settings: {
        ...DEFAULT_SETTINGS,
        defaultCountry: expected.defaultCountry,
        contactPresets: expected.contactPresets,
      },
      signal: controller.signal,
      onCall: () => undefined,
      scheduler,
      visibleFirst: false,
    });
    scheduler.flush();
    const hosts = Array.from(document.querySelectorAll('[data-c2c-target]'));
    const found = hosts.map((h) => h.getAttribute('data-c2c-target')!);
    const missed = minus(expected.targets, found);
    const extra = minus(found, expected.targets);
    totals.expected += expected.targets.length;
    totals.found += found.length;
    totals.truePositives += found.length - extra.length;
    for (const m of missed) report.push(`${file}: MISSED ${m}`);
    for (const h of hosts) {
      const uri = h.getAttribute('data-c2c-target')!;
      if (extra.includes(uri))
        report.push(`${file}: EXTRA ${uri} after "${h.previousSibling?.textContent?.slice(-60)}"`);
      // Every button sits right after the node that holds its number or contact.
      expect(h.previousSibling, `${uri} placement`).not.toBeNull();
    }
    // Our buttons add no text to the page.
    expect(document.body.textContent).toBe(textBefore);
    controller.abort();
    expect(document.querySelectorAll('[data-c2c-target]')).toHaveLength(0);
  });

  afterAll(() => {
    const recall = totals.truePositives / totals.expected;
    const precision = totals.truePositives / totals.found;
    console.log(
      `corpus: ${totals.expected} labelled, ${totals.found} found, ` +
        `recall ${recall.toFixed(4)}, precision ${precision.toFixed(4)}` +
        (report.length ? `\n${report.join('\n')}` : '\nno misses'),
    );
    expect(recall).toBeGreaterThanOrEqual(0.98);
    expect(precision).toBeGreaterThanOrEqual(0.98);
  });
});
