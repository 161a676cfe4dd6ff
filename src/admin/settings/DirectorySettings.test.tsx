// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DIRECTORY_IMPORT_MAX_BYTES } from '../../contract/directory';
import { DirectorySettings } from './DirectorySettings';

describe('DirectorySettings', () => {
  let root: HTMLElement;
  let requests: { url: string; method: string; body: unknown }[];
  let answerImport: (response: Response) => void;

  beforeEach(() => {
    requests = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const url = String(input);
      const method = init?.method ?? 'GET';
      requests.push({ url, method, body: init?.body ? JSON.parse(String(init.body)) : undefined });
      if (url === '/api/admin/directory') return Response.json({ people: 1200, numbers: 1500 });
      return new Promise<Response>((resolve) => (answerImport = resolve));
    });
    root = document.createElement('div');
    document.body.append(root);
  });
  afterEach(() => {
    render(null, root);
    root.remove();
    vi.restoreAllMocks();
  });

  const settle = async () => {
    for (let i = 0; i < 5; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
  };
  const submit = () =>
    act(() => {
      root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    });

  it('shows the count, imports pasted text with the chosen mode, shows progress, then each rejected row', async () => {
    await act(() => render(<DirectorySettings />, root));
    await settle();
    expect(root.querySelector('[data-directory-count]')!.textContent).toBe(
      'People in the directory: 1,200 (numbers: 1,500).',
    );
    const csv = 'name,numbers\nAva,+14155552671\n,+14155550100\n';
    await act(() => {
      const area = root.querySelector<HTMLTextAreaElement>('#directory-paste')!;
      area.value = csv;
      area.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(() => {
      root.querySelector<HTMLInputElement>('input[value="replace"]')!.click();
    });
    await submit();
    await settle();
    expect(requests.at(-1)).toEqual({
      url: '/api/admin/directory/import',
      method: 'POST',
      body: { mode: 'replace', csv },
    });
    expect(root.querySelector('progress')).not.toBeNull();
    expect(root.querySelector('button[type="submit"]')!.hasAttribute('disabled')).toBe(true);
    answerImport(
      Response.json({
        report: {
          mode: 'replace',
          imported: 1,
          rejected: [{ line: 3, reason: 'no name' }],
          applied: true,
        },
        count: { people: 1, numbers: 1 },
      }),
    );
    await settle();
    expect(root.querySelector('progress')).toBeNull();
    const report = root.querySelector('[data-directory-report="applied"]')!;
    expect(report.textContent).toContain('Replaced the directory. Imported: 1.');
    expect(report.textContent).toContain('Rows rejected: 1.');
    expect(
      [...report.querySelectorAll('tbody tr')].map((tr) =>
        [...tr.querySelectorAll('td')].map((td) => td.textContent),
      ),
    ).toEqual([['3', 'no name']]);
    expect(root.querySelector('[data-directory-count]')!.textContent).toBe(
      'People in the directory: 1 (numbers: 1).',
    );
  });

  it('says when nothing was imported, and shows the server’s refusal', async () => {
    await act(() => render(<DirectorySettings />, root));
    await settle();
    await act(() => {
      const area = root.querySelector<HTMLTextAreaElement>('#directory-paste')!;
      area.value = 'hello';
      area.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await submit();
    await settle();
    answerImport(
      Response.json({
        report: {
          mode: 'merge',
          imported: 0,
          rejected: [{ line: 1, reason: 'the header needs the columns name and numbers' }],
          applied: false,
        },
        count: { people: 1200, numbers: 1500 },
      }),
    );
    await settle();
    expect(root.querySelector('[data-directory-report="unchanged"]')!.textContent).toContain(
      'Nothing imported: the directory is unchanged.',
    );
    await submit();
    await settle();
    answerImport(
      Response.json({ error: 'too large', code: 'adminDirectoryTooLarge' }, { status: 413 }),
    );
    await settle();
    expect(root.querySelector('[role="alert"]')!.textContent).toContain('at most 10 MB');
  });

  it('asks for a file or text, and refuses a file over the limit before sending it', async () => {
    await act(() => render(<DirectorySettings />, root));
    await settle();
    await submit();
    expect(root.querySelector('[role="alert"]')!.textContent).toBe(
      'Choose a CSV file or paste its text first.',
    );
    const big = new File(['x'], 'big.csv', { type: 'text/csv' });
    Object.defineProperty(big, 'size', { value: DIRECTORY_IMPORT_MAX_BYTES + 1 });
    await act(() => {
      const input = root.querySelector<HTMLInputElement>('#directory-file')!;
      Object.defineProperty(input, 'files', { value: [big] });
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await submit();
    await settle();
    expect(root.querySelector('[role="alert"]')!.textContent).toContain('at most 10 MB');
    expect(requests.filter((r) => r.method === 'POST')).toEqual([]);
  });
});
