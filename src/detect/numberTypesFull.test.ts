// Extension pages get full (max) validity from the modules that validate for them: the popup's dial
// pad and the background's "Call the selection". (Every unit test has the number types from
// test/setupNumberTypes.ts; a fresh module registry here has none until those modules bring them.)
import { describe, expect, it, vi } from 'vitest';

describe('full number validity on extension pages', () => {
  it('comes with the dial pad’s validator', async () => {
    vi.resetModules();
    const metadata = await import('./phoneMetadata');
    expect(metadata.hasNumberTypes()).toBe(false);
    const { readDialInput } = await import('../ui/dialTarget');
    expect(metadata.hasNumberTypes()).toBe(true);
    // Min metadata alone accepts this toll-free-looking number; full validity does not.
    expect(readDialInput('+1 800-123-4567', 'US')?.ok).toBe(false);
    expect(readDialInput('+1 650-253-0000', 'US')?.ok).toBe(true);
  });

  it('comes with the background’s selection reader', async () => {
    vi.resetModules();
    const metadata = await import('./phoneMetadata');
    expect(metadata.hasNumberTypes()).toBe(false);
    await import('./selectionToTarget');
    expect(metadata.hasNumberTypes()).toBe(true);
  });
});
