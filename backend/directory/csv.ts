// RFC 4180 CSV: quoted fields ("" escapes a quote, line breaks allowed inside), CRLF or LF, optional BOM.

export interface CsvRecord {
  /** The line the record starts on (1-based, counting every physical line). */
  line: number;
  fields: string[];
}

export class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/**
 * Splits `text` into records. Blank lines are skipped. A quote that opens a field must close it, and
 * only a separator or the end of the line may follow the closing quote: anything else is an error
 * at the line the record started on, since what follows can no longer be read reliably.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let line = 1;
  let i = 0;
  const n = input.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let atFieldStart = true;
    let ended = false;
    while (i < n && !ended) {
      const ch = input[i]!;
      if (quoted) {
        if (ch === '"') {
          if (input[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          quoted = false;
          i++;
          const next = input[i];
          if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r')
            throw new CsvError(start, 'a closing quote must be followed by a comma or a line end');
          continue;
        }
        if (ch === '\n') line++;
        field += ch;
        i++;
        continue;
      }
      if (ch === '"' && atFieldStart) {
        quoted = true;
        atFieldStart = false;
        i++;
        continue;
      }
      if (ch === ',') {
        fields.push(field);
        field = '';
        atFieldStart = true;
        i++;
        continue;
      }
      if (ch === '\r' || ch === '\n') {
        i += ch === '\r' && input[i + 1] === '\n' ? 2 : 1;
        line++;
        ended = true;
        continue;
      }
      if (ch === '"') throw new CsvError(start, 'a quote inside an unquoted field');
      field += ch;
      atFieldStart = false;
      i++;
    }
    if (quoted) throw new CsvError(start, 'a quoted field is not closed');
    fields.push(field);
    if (fields.length === 1 && fields[0] === '') continue; // a blank line
    records.push({ line: start, fields });
  }
  return records;
}
