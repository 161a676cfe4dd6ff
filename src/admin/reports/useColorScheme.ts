// The system's light or dark choice as Preact state, so what is drawn from the page's colours
// (the charts: a canvas keeps the palette it was painted with) is drawn again when it changes.
import { useEffect, useState } from 'preact/hooks';

const QUERY = '(prefers-color-scheme: dark)';

export type ColorScheme = 'light' | 'dark';

export function useColorScheme(win: Pick<Window, 'matchMedia'> = window): ColorScheme {
  const read = (): ColorScheme => (win.matchMedia?.(QUERY).matches ? 'dark' : 'light');
  const [scheme, setScheme] = useState(read);
  useEffect(() => {
    const query = win.matchMedia?.(QUERY);
    if (!query) return;
    const changed = () => setScheme(query.matches ? 'dark' : 'light');
    query.addEventListener('change', changed);
    // A change between the first render and this effect would otherwise be missed.
    changed();
    return () => query.removeEventListener('change', changed);
  }, [win]);
  return scheme;
}
