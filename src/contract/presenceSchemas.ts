// Zod schemas for presence (the receiving side: backend routes, the extension's background).
import { z } from 'zod';
import { PRESENCE_CHOICES, type OwnPresence } from './presence';

export const presenceUpdateSchema = z.object({ presence: z.enum(PRESENCE_CHOICES) }).strict();

export const ownPresenceSchema = z.object({
  choice: z.enum(PRESENCE_CHOICES),
  presence: z.enum([...PRESENCE_CHOICES, 'on-call', 'offline']),
  since: z.number(),
}) satisfies z.ZodType<OwnPresence>;
