// The dial pad's name search: learned contacts whose name starts with what was typed (2+ letters),
// and the combobox keys (arrows move, Enter picks, Escape closes).
import { useEffect, useState } from 'preact/hooks';
import { background, type LearnedContact } from '../../messaging/background';

export function useContactSearch(text: string, pick: (contact: LearnedContact) => void) {
  const [items, setItems] = useState<LearnedContact[]>([]);
  const [active, setActive] = useState(-1);
  const [closed, setClosed] = useState(false);
  const query = (text.match(/\p{L}/gu) ?? []).length >= 2 ? text.trim() : '';
  useEffect(() => {
    setActive(-1);
    setClosed(false);
    if (!query) {
      setItems([]);
      return;
    }
    let current = true;
    void background
      .send('searchContacts', { query: query.slice(0, 100) })
      .then((r) => current && setItems(r.items))
      .catch(() => current && setItems([]));
    return () => {
      current = false;
    };
  }, [query]);
  const open = !closed && items.length > 0;
  const onKeyDown = (event: KeyboardEvent) => {
    if (!open) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (i + step + items.length) % items.length);
    } else if (event.key === 'Enter' && active >= 0) {
      event.preventDefault();
      pick(items[active]!);
      setClosed(true);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      setClosed(true);
    }
  };
  return { items: open ? items : [], active, onKeyDown, close: () => setClosed(true) };
}
