// Demo-only pages (mounted when DEMO=1): a realistic CRM contacts page for trying the extension.
import { Hono } from 'hono';
import { readFile } from 'node:fs/promises';

// backend/demo/ from the source, .output/demo/ (copied by build:backend) from the bundle.
const CONTACTS = new URL('../demo/contacts.html', import.meta.url);

export const demoRoutes = new Hono();

demoRoutes.get('/', async (c) => c.html(await readFile(CONTACTS, 'utf8')));
