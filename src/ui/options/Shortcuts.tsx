// The extension's keyboard shortcuts as Chrome has them now, and the way to change them.
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { t } from '../i18n';

export function Shortcuts() {
  const [commands, setCommands] = useState<
    { name?: string; description?: string; shortcut?: string }[]
  >([]);
  useEffect(() => {
    void browser.commands.getAll().then(setCommands);
  }, []);
  return (
    <section aria-labelledby="shortcuts-heading" class="card">
      <h2 id="shortcuts-heading">{t('optionsShortcuts')}</h2>
      <table data-testid="shortcuts">
        <tbody>
          {commands
            .filter((c) => c.name && c.name !== '_execute_action')
            .map((c) => (
              <tr key={c.name}>
                <td>{c.description}</td>
                <td>
                  {c.shortcut ? (
                    <kbd>{c.shortcut}</kbd>
                  ) : (
                    <span class="muted">{t('optionsShortcutNone')}</span>
                  )}
                </td>
              </tr>
            ))}
        </tbody>
      </table>
      <button
        type="button"
        onClick={() => void browser.tabs.create({ url: 'chrome://extensions/shortcuts' })}
      >
        {t('optionsChangeShortcuts')}
      </button>
    </section>
  );
}
