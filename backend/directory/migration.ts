// The company directory's tables: people (name, company, CRM record) and their numbers (E.164).
import type { Generated, Kysely, Migration } from 'kysely';
import type { Dialect } from '../db/dialect';

export interface DirectoryContactTable {
  id: Generated<number>;
  name: string;
  company: string | null;
  record_url: string | null;
  updated_at: number;
}

/** One number belongs to one person: a lookup by number has one answer. */
export interface DirectoryNumberTable {
  number: string;
  contact_id: number;
}

declare module '../db/schema' {
  interface Database {
    directory_contacts: DirectoryContactTable;
    directory_numbers: DirectoryNumberTable;
  }
}

export function directoryMigration(dialect: Dialect): Migration {
  const big = dialect === 'pg' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('directory_contacts')
        .addColumn('id', dialect === 'pg' ? 'bigserial' : 'integer', (c) =>
          dialect === 'pg' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('company', 'text')
        .addColumn('record_url', 'text')
        .addColumn('updated_at', big, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('directory_contacts_record_url')
        .on('directory_contacts')
        .column('record_url')
        .execute();
      await db.schema
        .createTable('directory_numbers')
        .addColumn('number', 'text', (c) => c.primaryKey())
        .addColumn('contact_id', big, (c) =>
          c.notNull().references('directory_contacts.id').onDelete('cascade'),
        )
        .execute();
      await db.schema
        .createIndex('directory_numbers_contact')
        .on('directory_numbers')
        .column('contact_id')
        .execute();
    },
  };
}
