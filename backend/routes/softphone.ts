// Serves the softphone page: a browser line for the built-in provider (the demo's "customer phone").
import { Hono } from 'hono';

export const softphoneRoutes = new Hono();
