// /api/admin/agents and /api/admin/lines: list, add, edit (If-Match against conflicting edits),
// rotate keys, bind and unbind softphone lines.
import { Hono } from 'hono';
import { agentPatchSchema, lineSchema, newAgentSchema } from '../../src/contract/admin';
import type { AppDeps } from '../context';
import { etag, ifMatchVersion, parseOr400, refusal } from './http';
import {
  adminContext,
  bindLine,
  createAgent,
  getAdminAgent,
  listAdminAgents,
  rotateKey,
  unbindLine,
  updateAgent,
} from './operations';
import type { AdminEnv } from './session';

const PRECONDITION = {
  error:
    'Send If-Match with the agent version you edited (the ETag of GET /api/admin/agents/:name)',
  code: 'adminErrConflict',
};

export function agentsRoutes(deps: AppDeps) {
  return new Hono<AdminEnv>()
    .get('/', async (c) => {
      const ctx = adminContext(deps.store, c.get('actor'));
      return c.json({ agents: await listAdminAgents(ctx) }, 200);
    })
    .post('/', async (c) => {
      const body = parseOr400(c, newAgentSchema, await c.req.json().catch(() => null));
      if (!body.ok) return body.response;
      const { vonageUser, cuid, ...rest } = body.data;
      try {
        const added = await createAgent(adminContext(deps.store, c.get('actor')), {
          ...rest,
          ...(vonageUser ? { vonageUser } : {}),
          ...(cuid ? { cuid } : {}),
        });
        c.header('ETag', etag(added.agent.version));
        c.header('Cache-Control', 'no-store');
        return c.json(added, 201);
      } catch (error) {
        return refusal(c, error);
      }
    })
    .get('/:name', async (c) => {
      try {
        const agent = await getAdminAgent(
          adminContext(deps.store, c.get('actor')),
          c.req.param('name'),
        );
        c.header('ETag', etag(agent.version));
        return c.json({ agent }, 200);
      } catch (error) {
        return refusal(c, error);
      }
    })
    .patch('/:name', async (c) => {
      const version = ifMatchVersion(c.req.header('if-match'));
      if (version === undefined) return c.json(PRECONDITION, 428);
      const body = parseOr400(c, agentPatchSchema, await c.req.json().catch(() => null));
      if (!body.ok) return body.response;
      try {
        const ctx = adminContext(deps.store, c.get('actor'));
        const agent = await updateAgent(ctx, c.req.param('name'), body.data, version);
        c.header('ETag', etag(agent.version));
        return c.json({ agent }, 200);
      } catch (error) {
        return refusal(c, error);
      }
    })
    .post('/:name/rotate-key', async (c) => {
      const version = ifMatchVersion(c.req.header('if-match'));
      if (version === undefined) return c.json(PRECONDITION, 428);
      try {
        const ctx = adminContext(deps.store, c.get('actor'));
        const rotated = await rotateKey(ctx, c.req.param('name'), version);
        c.header('ETag', etag(rotated.agent.version));
        c.header('Cache-Control', 'no-store');
        return c.json(rotated, 200);
      } catch (error) {
        return refusal(c, error);
      }
    })
    .post('/:name/lines', async (c) => {
      const body = parseOr400(c, lineSchema, await c.req.json().catch(() => null));
      if (!body.ok) return body.response;
      try {
        const ctx = adminContext(deps.store, c.get('actor'));
        const { added } = await bindLine(ctx, body.data.address, c.req.param('name'));
        return c.json({ added, agent: await getAdminAgent(ctx, c.req.param('name')) }, 200);
      } catch (error) {
        return refusal(c, error);
      }
    })
    .delete('/:name/lines/:address', async (c) => {
      const address = c.req.param('address');
      try {
        const ctx = adminContext(deps.store, c.get('actor'));
        if ((await deps.store.getLineOwner(address)) !== c.req.param('name'))
          return c.json({ error: `Line ${address} is not bound to ${c.req.param('name')}` }, 404);
        await unbindLine(ctx, address);
        return c.json({ agent: await getAdminAgent(ctx, c.req.param('name')) }, 200);
      } catch (error) {
        return refusal(c, error);
      }
    });
}
