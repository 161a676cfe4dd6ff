// The call-log export as CSV for spreadsheets: UTF-8 with a BOM (Excel then reads CJK right), RFC 4180
// quoting, CRLF line ends, produced row by row from the store so no export is held in memory whole.
import type { CallRow } from '../db/schema';

const COLUMNS: [header: string, value: (row: CallRow) => string | number | null][] = [
  ['Call ID', (r) => r.uuid],
  ['Created (UTC)', (r) => utc(r.created_at)],
  ['Direction', (r) => r.direction],
  ['Status', (r) => r.status],
  ['Reason', (r) => r.reason],
  ['Agent', (r) => r.agent],
  ['From', (r) => r.from_addr],
  ['To', (r) => r.to_addr],
  ['Started (UTC)', (r) => utc(r.started_at)],
  ['Answered (UTC)', (r) => utc(r.answered_at)],
  ['Ended (UTC)', (r) => utc(r.ended_at)],
  ['Duration (s)', (r) => r.duration],
  ['Provider', (r) => r.provider],
  ['Conversation ID', (r) => r.conversation_uuid],
  ['Price', (r) => r.price],
  ['Rate', (r) => r.rate],
  ['Network', (r) => r.network],
  // Who and wrap-up (issue 12 items 2 and 3): appended, so older column positions stay put.
  ['Contact', (r) => r.contact_name ?? null],
  ['Extension', (r) => r.extension ?? null],
  ['Page URL', (r) => r.page_url ?? null],
  ['Page title', (r) => r.page_title ?? null],
  ['Outcome', (r) => r.disposition ?? null],
  ['Notes', (r) => r.notes ?? null],
  ['Follow-up on', (r) => r.follow_up_on ?? null],
];

/** "2026-12-01 10:45:25": a form Excel and LibreOffice read as a date-time. */
function utc(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * One field, quoted when it must be (RFC 4180: comma, quote, CR or LF; quotes doubled). A text that a
 * spreadsheet would run as a formula (=, @, +/- before something other than a number) gets a leading
 * apostrophe, which spreadsheets show as text ("CSV injection"); phone numbers like +1415… stay as is.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (/^[=@\t\r]/.test(text) || (/^[+-]/.test(text) && !/^[+-][\d ().-]*$/.test(text)))
    text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: (string | number | null)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** The export as a byte stream: BOM and header, then one line per record as the store yields it. */
export function callsCsvStream(rows: AsyncGenerator<CallRow>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(`\uFEFF${csvLine(COLUMNS.map(([h]) => h))}`));
          return;
        }
        // A batch of lines per chunk: fewer, larger writes than one per record.
        let chunk = '';
        for (let i = 0; i < 200; i++) {
          const next = await rows.next();
          if (next.done) {
            if (chunk) controller.enqueue(encoder.encode(chunk));
            controller.close();
            return;
          }
          chunk += csvLine(COLUMNS.map(([, value]) => value(next.value)));
        }
        controller.enqueue(encoder.encode(chunk));
      },
      async cancel() {
        await rows.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}
