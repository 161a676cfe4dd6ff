// Demo-only pages (mounted when DEMO=1): a realistic CRM contacts page for trying the extension.
import { Hono } from 'hono';

export const demoRoutes = new Hono();
