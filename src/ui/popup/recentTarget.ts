// Who a history row's other party is, as a target the popup can show and call back: records keep
// each provider's own address form (built-in `tel:`/`contact:`, Vonage's E.164 digits without `+`
// or an app user name, CleverTap's `cuid:<cuid>`).
import { CONTACT_ID, E164, E164_DIGITS, EXT } from '../../contract/ids';
import { parseTargetUri, type Target } from '../../contract/target';
import type { RecentCall } from '../../messaging/background';

/** The other party of `call` (with the dialled extension of an outbound call), or null. */
export function recentTarget(
  call: Pick<RecentCall, 'remote' | 'direction' | 'extension'>,
): Target | null {
  const target = addressTarget(call.remote);
  if (
    target?.kind === 'phone' &&
    !target.ext &&
    call.direction === 'outbound' &&
    call.extension &&
    EXT.test(call.extension)
  )
    return { ...target, ext: call.extension };
  return target;
}

function addressTarget(remote: string | null): Target | null {
  if (!remote) return null;
  const uri = parseTargetUri(remote);
  if (uri) return uri;
  if (E164.test(remote)) return { kind: 'phone', e164: remote };
  if (E164_DIGITS.test(remote)) return { kind: 'phone', e164: `+${remote}` };
  const cuid = /^cuid:(.+)$/.exec(remote)?.[1];
  if (cuid !== undefined) return CONTACT_ID.test(cuid) ? { kind: 'contact', id: cuid } : null;
  // A Vonage app user (an app-to-app call); other `scheme:` forms (a built-in `agent:`) are not.
  if (CONTACT_ID.test(remote) && !remote.includes(':')) return { kind: 'contact', id: remote };
  return null;
}
