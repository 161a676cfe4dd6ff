// A directory entry as the backend's `GET /api/directory/lookup` returns it (the company directory).

export interface DirectoryContact {
  name: string;
  company: string | null;
  /** The person's record in the CRM (http or https), when the directory has one. */
  recordUrl: string | null;
}

/** `GET /api/directory/lookup?number=+E164`: the one person with that number, or null. */
export interface DirectoryLookup {
  contact: DirectoryContact | null;
}

/** How the console's import treats the directory: `replace` it, or `merge` the file into it. */
export type DirectoryImportMode = 'replace' | 'merge';

/** The largest request the console's directory import accepts (the CSV inside its JSON body). */
export const DIRECTORY_IMPORT_MAX_BYTES = 10 * 1024 * 1024;

/** How many people and numbers the company directory holds (never the entries themselves). */
export interface DirectoryCount {
  people: number;
  numbers: number;
}

/** What one import did: each rejected row with its line and the reason. */
export interface DirectoryImportReport {
  mode: DirectoryImportMode;
  imported: number;
  rejected: { line: number; reason: string }[];
  /** False when nothing was written (no acceptable row, or the file could not be read). */
  applied: boolean;
}

/** `POST /api/admin/directory/import {mode, csv}`: the report and the directory's size after it. */
export interface DirectoryImportResult {
  report: DirectoryImportReport;
  count: DirectoryCount;
}
