// A contact-ID preset's name in the agent's language (the preset's own label when none is translated).
import type { ContactRule } from '../../settings/schema';
import { t } from '../i18n';

export function presetLabel(preset: ContactRule): string {
  const key = `preset_${preset.id.replace(/-/g, '_')}`;
  const translated = t(key);
  return translated === key ? preset.label : translated;
}
