// The agent's Signed Call settings, from our backend (`GET /api/token/clevertap`).
import { z } from 'zod';
import { CallFailure } from '../../provider';
import { backendClient, expectOk } from '../../backendClient';

/** The backend's answer; a few spellings are accepted so either side can rename without breaking. */
const responseSchema = z
  .object({
    accountId: z.string().min(1),
    apiKey: z.string().min(1).optional(),
    apikey: z.string().min(1).optional(),
    cuid: z.string().min(1),
    displayName: z.string().optional(),
    name: z.string().optional(),
    /** The CleverTap project the Web SDK identifies the browser with (not the Signed Call account). */
    clevertapAccountId: z.string().min(1).optional(),
    projectId: z.string().min(1).optional(),
    region: z.string().min(1).optional(),
  })
  .refine((v) => v.apiKey ?? v.apikey, 'apiKey is missing');

export interface SignedCallSettings {
  accountId: string;
  apikey: string;
  cuid: string;
  /** 3–50 characters (the SDK rejects others), or absent. */
  name?: string;
  clevertapAccountId?: string;
  region?: string;
}

export async function fetchSignedCallSettings(
  backendUrl: string,
  sessionToken: string,
  fetchImpl: typeof fetch = fetch,
): Promise<SignedCallSettings> {
  const client = backendClient(backendUrl, { token: sessionToken, fetch: fetchImpl });
  const body = await expectOk(await client.api.token.clevertap.$get(), 'token/clevertap');
  const parsed = responseSchema.safeParse(body);
  if (!parsed.success) {
    throw new CallFailure(
      'provider-not-configured',
      `token/clevertap: ${parsed.error.issues[0]?.message ?? 'bad body'}`,
    );
  }
  const data = parsed.data;
  const name = (data.displayName ?? data.name)?.trim().slice(0, 50);
  const clevertapAccountId = data.clevertapAccountId ?? data.projectId;
  return {
    accountId: data.accountId,
    apikey: (data.apiKey ?? data.apikey)!,
    cuid: data.cuid,
    ...(name && name.length >= 3 ? { name } : {}),
    ...(clevertapAccountId ? { clevertapAccountId } : {}),
    ...(data.region ? { region: data.region } : {}),
  };
}
