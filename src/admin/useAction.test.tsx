// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useAction, type Action } from './useAction';

/** A deferred promise the test settles. */
function later<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('useAction', () => {
  let root: HTMLElement;
  let action: Action;
  let reloads: number;
  let reload: () => Promise<unknown>;

  function Probe() {
    action = useAction(reload);
    return (
      <button type="button" disabled={action.busy}>
        {action.error ? (action.error as Error).message : 'ok'}
      </button>
    );
  }

  beforeEach(async () => {
    reloads = 0;
    reload = async () => {
      reloads++;
    };
    root = document.createElement('div');
    document.body.append(root);
    await act(() => render(<Probe />, root));
  });
  afterEach(() => {
    render(null, root);
    root.remove();
  });
  const button = () => root.querySelector('button')!;

  it('disables while a change runs, ignores a second one meanwhile, then reloads', async () => {
    const first = later();
    let second = 0;
    let done!: Promise<void>;
    await act(() => {
      done = action.run(() => first.promise);
    });
    expect(button().disabled).toBe(true);
    await act(() => action.run(async () => void second++));
    expect(second).toBe(0);
    await act(async () => {
      first.resolve();
      await done;
    });
    expect(button().disabled).toBe(false);
    expect(reloads).toBe(1);
    await act(() => action.run(async () => void second++));
    expect(second).toBe(1);
    expect(reloads).toBe(2);
  });

  it('keeps a refusal to show, reloads after it too, and clears it after a change succeeds', async () => {
    await act(() =>
      action.run(async () => {
        throw new Error('Someone else changed it');
      }),
    );
    expect(button().textContent).toBe('Someone else changed it');
    expect(button().disabled).toBe(false);
    expect(reloads).toBe(1);
    await act(() => action.run(async () => {}));
    expect(button().textContent).toBe('ok');
  });

  it("shows the change's own answer when the reload after it fails", async () => {
    reload = async () => {
      throw new Error('offline');
    };
    await act(() => render(<Probe />, root));
    await act(() =>
      action.run(async () => {
        throw new Error('refused');
      }),
    );
    expect(button().textContent).toBe('refused');
    expect(button().disabled).toBe(false);
  });
});
