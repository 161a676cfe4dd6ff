// The company directory's store: CSV import (replace or merge) and the lookup by one number.
import type { Kysely, Transaction } from 'kysely';
import type {
  DirectoryContact,
  DirectoryCount,
  DirectoryImportMode,
  DirectoryImportReport,
} from '../../src/contract/directory';
import { E164 } from '../../src/contract/ids';
import type { Database, NewCall } from '../db/schema';
import { CsvError, parseCsv } from './csv';

export type ImportMode = DirectoryImportMode;
export type ImportReport = DirectoryImportReport;

/** Bounds on one import and its fields, so one bad file cannot fill the database. */
export const DIRECTORY_LIMITS = {
  rows: 100_000,
  nameLength: 200,
  companyLength: 200,
  urlLength: 2000,
  numbersPerPerson: 20,
} as const;

const COLUMNS = ['name', 'company', 'numbers', 'record_url'] as const;
type Column = (typeof COLUMNS)[number];
const ALIASES: Record<string, Column> = {
  name: 'name',
  company: 'company',
  numbers: 'numbers',
  number: 'numbers',
  phone: 'numbers',
  phones: 'numbers',
  record_url: 'record_url',
  url: 'record_url',
  record: 'record_url',
};

interface Row {
  line: number;
  name: string;
  company: string | null;
  numbers: string[];
  recordUrl: string | null;
}

/** `+1 (415) 555-2671` → `+14155552671`; null unless the result is E.164. */
export function normaliseNumber(raw: string): string | null {
  const compact = raw.replace(/[\s().\-\u00a0]/g, '');
  return E164.test(compact) ? compact : null;
}

function readUrl(raw: string): string | null | undefined {
  if (raw === '') return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Parses and checks the rows; every refusal names its line. */
export function readDirectoryCsv(text: string): {
  rows: Row[];
  rejected: ImportReport['rejected'];
} {
  const records = parseCsv(text);
  const header = records.shift();
  if (!header)
    throw new CsvError(
      1,
      'the file is empty: it needs a header row (name,company,numbers,record_url)',
    );
  const columns = header.fields.map(
    (f) =>
      ALIASES[
        f
          .trim()
          .toLowerCase()
          .replace(/[\s-]+/g, '_')
      ],
  );
  const index = (column: Column) => columns.indexOf(column);
  if (index('name') < 0 || index('numbers') < 0)
    throw new CsvError(
      header.line,
      `the header needs the columns name and numbers (found: ${header.fields.join(', ')})`,
    );
  const unknown = header.fields.filter((_, i) => columns[i] === undefined);
  if (unknown.length > 0)
    throw new CsvError(
      header.line,
      `unknown columns ${unknown.join(', ')}: use ${COLUMNS.join(', ')}`,
    );
  if (records.length > DIRECTORY_LIMITS.rows)
    throw new CsvError(header.line, `more than ${DIRECTORY_LIMITS.rows} rows: split the file`);

  const rows: Row[] = [];
  const rejected: ImportReport['rejected'] = [];
  const seen = new Map<string, number>();
  for (const record of records) {
    const reject = (reason: string) => rejected.push({ line: record.line, reason });
    if (record.fields.length !== header.fields.length) {
      reject(`${record.fields.length} fields, the header has ${header.fields.length}`);
      continue;
    }
    const get = (column: Column) => {
      const i = index(column);
      return i < 0 ? '' : record.fields[i]!.trim();
    };
    const name = get('name');
    const company = get('company');
    if (!name) {
      reject('no name');
      continue;
    }
    if (
      name.length > DIRECTORY_LIMITS.nameLength ||
      company.length > DIRECTORY_LIMITS.companyLength
    ) {
      reject(`name or company longer than ${DIRECTORY_LIMITS.nameLength} characters`);
      continue;
    }
    const recordUrl =
      get('record_url').length > DIRECTORY_LIMITS.urlLength
        ? undefined
        : readUrl(get('record_url'));
    if (recordUrl === undefined) {
      reject(`record_url "${get('record_url').slice(0, 80)}" is not an http(s) URL`);
      continue;
    }
    const raw = get('numbers')
      .split(/[;|\n]/)
      .map((s) => s.trim())
      .filter(Boolean);
    if (raw.length === 0) {
      reject('no number');
      continue;
    }
    if (raw.length > DIRECTORY_LIMITS.numbersPerPerson) {
      reject(`more than ${DIRECTORY_LIMITS.numbersPerPerson} numbers`);
      continue;
    }
    const numbers: string[] = [];
    let problem: string | undefined;
    for (const r of raw) {
      const number = normaliseNumber(r);
      if (!number) problem ??= `"${r.slice(0, 40)}" is not an E.164 number (+ and country code)`;
      else if (seen.has(number) && seen.get(number) !== record.line)
        problem ??= `${number} is already on line ${seen.get(number)}`;
      else if (!numbers.includes(number)) numbers.push(number);
    }
    if (problem) {
      reject(problem);
      continue;
    }
    for (const number of numbers) seen.set(number, record.line);
    rows.push({ line: record.line, name, company: company || null, numbers, recordUrl });
  }
  return { rows, rejected };
}

async function findContact(trx: Transaction<Database>, row: Row): Promise<number | undefined> {
  let query = trx.selectFrom('directory_contacts').select('id');
  query = row.recordUrl
    ? query.where('record_url', '=', row.recordUrl)
    : query
        .where('record_url', 'is', null)
        .where('name', '=', row.name)
        .where('company', row.company === null ? 'is' : '=', row.company);
  const found = await query.orderBy('id').executeTakeFirst();
  return found?.id === undefined ? undefined : Number(found.id);
}

/**
 * Imports a directory CSV (header `name,company,numbers,record_url`; several numbers separated by
 * `;`). `replace` makes the directory exactly the file's accepted rows; `merge` updates the person
 * with the same record URL (else the same name and company) and adds the rest. A number listed again
 * moves to its new person. One transaction: a failed import leaves the directory as it was.
 */
export async function importDirectoryCsv(
  db: Kysely<Database>,
  text: string,
  mode: ImportMode,
  now = Date.now(),
): Promise<ImportReport> {
  let read: ReturnType<typeof readDirectoryCsv>;
  try {
    read = readDirectoryCsv(text);
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    return {
      mode,
      imported: 0,
      rejected: [{ line: error.line, reason: error.message.replace(/^line \d+: /, '') }],
      applied: false,
    };
  }
  const { rows, rejected } = read;
  if (rows.length === 0) return { mode, imported: 0, rejected, applied: false };
  await db.transaction().execute(async (trx) => {
    if (mode === 'replace') {
      await trx.deleteFrom('directory_numbers').execute();
      await trx.deleteFrom('directory_contacts').execute();
    }
    for (const row of rows) {
      const values = {
        name: row.name,
        company: row.company,
        record_url: row.recordUrl,
        updated_at: now,
      };
      let id = mode === 'merge' ? await findContact(trx, row) : undefined;
      if (id === undefined) {
        const inserted = await trx
          .insertInto('directory_contacts')
          .values(values)
          .returning('id')
          .executeTakeFirstOrThrow();
        id = Number(inserted.id);
      } else {
        await trx.updateTable('directory_contacts').set(values).where('id', '=', id).execute();
      }
      await trx.deleteFrom('directory_numbers').where('number', 'in', row.numbers).execute();
      await trx
        .insertInto('directory_numbers')
        .values(row.numbers.map((number) => ({ number, contact_id: id })))
        .execute();
    }
    if (mode === 'merge') {
      // People left without a number (all moved to someone else) can no longer be looked up.
      await trx
        .deleteFrom('directory_contacts')
        .where('id', 'not in', trx.selectFrom('directory_numbers').select('contact_id'))
        .execute();
    }
  });
  return { mode, imported: rows.length, rejected, applied: true };
}

/** The person with this E.164 number, or undefined. */
export async function lookupDirectory(
  db: Kysely<Database>,
  number: string,
): Promise<DirectoryContact | undefined> {
  const row = await db
    .selectFrom('directory_numbers')
    .innerJoin('directory_contacts', 'directory_contacts.id', 'directory_numbers.contact_id')
    .select([
      'directory_contacts.name',
      'directory_contacts.company',
      'directory_contacts.record_url',
    ])
    .where('directory_numbers.number', '=', number)
    .executeTakeFirst();
  return row ? { name: row.name, company: row.company, recordUrl: row.record_url } : undefined;
}

/** How many people and numbers the directory holds. */
export async function countDirectory(db: Kysely<Database>): Promise<DirectoryCount> {
  const people = await db
    .selectFrom('directory_contacts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const numbers = await db
    .selectFrom('directory_numbers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { people: Number(people.n), numbers: Number(numbers.n) };
}

/**
 * The name to record on an inbound call: the directory's person for its caller's number (`+E164` or
 * a softphone's `tel:+E164` / Vonage's digits), else undefined.
 */
export async function directoryNameFor(
  db: Kysely<Database>,
  from: string | null | undefined,
): Promise<string | undefined> {
  if (!from) return undefined;
  const number = normaliseNumber(from.replace(/^tel:/, '').replace(/^(?=[1-9])/, '+'));
  if (!number) return undefined;
  return (await lookupDirectory(db, number))?.name;
}

/**
 * An answered inbound call's record with the company directory's name for its caller, when the
 * record has none yet (the one hook the call paths use at answer time).
 */
export async function withDirectoryName<T extends Partial<NewCall>>(
  db: Kysely<Database>,
  record: T,
): Promise<T & Pick<NewCall, 'contact_name'>> {
  if (record.direction !== 'inbound' || record.contact_name) return record;
  const name = await directoryNameFor(db, record.from_addr);
  return name === undefined ? record : { ...record, contact_name: name };
}
