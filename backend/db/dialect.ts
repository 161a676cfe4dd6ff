// The two database engines the backend runs on (one schema, the same queries).
export type Dialect = 'sqlite' | 'pg';
