// Notifications: Chrome's options where they work, the plain notification where Firefox refuses them.
import { describe, expect, it, vi } from 'vitest';
import { notify, type NotificationOptions } from './notify';

const INCOMING: NotificationOptions = {
  type: 'basic',
  iconUrl: 'icon.png',
  title: 'Incoming call',
  message: 'Ava Thompson',
  buttons: [{ title: 'Answer' }, { title: 'Decline' }],
  requireInteraction: true,
  priority: 2,
};

describe('notify', () => {
  it('passes every option where the browser takes them (Chrome)', async () => {
    const create = vi.fn(async (id: string) => id);
    await notify('incoming-call', INCOMING, { create });
    expect(create).toHaveBeenCalledExactlyOnceWith('incoming-call', INCOMING);
  });

  it('shows it without buttons and requireInteraction where the browser throws on them (Firefox)', async () => {
    const create = vi.fn((id: string, options: NotificationOptions) => {
      // As Firefox does: synchronously, before any promise.
      if (options.buttons || options.requireInteraction)
        throw new Error(
          'Type error for parameter options (Property "buttons" is unsupported by Firefox)',
        );
      return Promise.resolve(id);
    });
    await notify('incoming-call', INCOMING, { create });
    expect(create).toHaveBeenLastCalledWith('incoming-call', {
      type: 'basic',
      iconUrl: 'icon.png',
      title: 'Incoming call',
      message: 'Ava Thompson',
      priority: 2,
    });
  });

  it('never throws, even when no notification can be shown', async () => {
    const create = vi.fn(() => Promise.reject(new Error('no notifications here')));
    await expect(notify('x', INCOMING, { create })).resolves.toBeUndefined();
    expect(create).toHaveBeenCalledTimes(2);
  });
});
