// A chart's data as CSV (RFC 4180, CRLF, a BOM so spreadsheets read CJK right), as a data URL to download.

function field(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  // A text a spreadsheet would run as a formula is shown as text instead.
  if (/^[=@+\-\t\r]/.test(text) && !/^[+-]?[\d.]+$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  return [header, ...rows].map((r) => `${r.map(field).join(',')}\r\n`).join('');
}

export function csvDataUrl(csv: string): string {
  return `data:text/csv;charset=utf-8,${encodeURIComponent(`\uFEFF${csv}`)}`;
}
