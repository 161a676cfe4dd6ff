// The offscreen events channel: offscreen document → background, the call session's state changes.
import { z } from 'zod';
import { defineChannel, type Schemas } from './channel';
import { offscreenStateSchema, type OffscreenState } from './offscreen';
import type { SendMessage } from './types';

export const OFFSCREEN_EVENTS_CHANNEL = 'c2c/offscreen-events';

/**
 * The reason of the change `configure` causes. The background asked for it and applies the state
 * from `configure`'s reply, so it does not broadcast this event again.
 */
export const CONFIGURE_REASON = 'configure';

export interface OffscreenEventsProtocol {
  stateChanged(data: { state: OffscreenState; reason?: string }): null;
}

const offscreenEventSchemas: Schemas<OffscreenEventsProtocol> = {
  stateChanged: z
    .object({ state: offscreenStateSchema, reason: z.string().max(100).optional() })
    .strict(),
};

export const offscreenEventsChannel = (send: SendMessage) =>
  defineChannel<OffscreenEventsProtocol>(OFFSCREEN_EVENTS_CHANNEL, offscreenEventSchemas, send);
