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
