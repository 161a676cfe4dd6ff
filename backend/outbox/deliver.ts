// One signed POST to an endpoint, connecting only to addresses the policy allows (checked at connect
// time too, so a hostname that re-resolves to a private address is refused).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { addressRefusal } from './address';
import { SIGNATURE_HEADER, signatureHeader } from './sign';

export interface DeliveryRequest {
  url: string;
  secret: string;
  eventId: string;
  type: string;
  body: string;
  attempt: number;
}

export interface DeliveryOptions {
  allowLoopback: boolean;
  timeoutMs: number;
}

export type DeliveryResult = { ok: true; status: number } | { ok: false; error: string };

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

function safeLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (error, addresses) => {
      if (error) return callback(error, '', 4);
      const list = addresses as LookupAddress[];
      for (const a of list) {
        const refusal = addressRefusal(a.address, allowLoopback);
        if (refusal) return callback(new Error(`${hostname} resolves to ${refusal}`), '', 4);
      }
      if (list.length === 0) return callback(new Error(`${hostname} has no address`), '', 4);
      if (options.all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/** POSTs one event; resolves (never rejects) with the outcome. Only 2xx counts as delivered. */
export function deliver(req: DeliveryRequest, opts: DeliveryOptions): Promise<DeliveryResult> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return resolve({ ok: false, error: 'invalid URL' });
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      const refusal = addressRefusal(host, opts.allowLoopback);
      if (refusal) return resolve({ ok: false, error: refusal });
    }
    const secure = url.protocol === 'https:';
    const signature = signatureHeader(req.secret, req.body, Math.floor(Date.now() / 1000));
    let settled = false;
    const done = (result: DeliveryResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const request = (secure ? https : http).request(
      url,
      {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        lookup: safeLookup(opts.allowLoopback),
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(req.body),
          'user-agent': 'crm-click-to-call-webhooks/1',
          [SIGNATURE_HEADER]: signature,
          'X-C2C-Event': req.type,
          'X-C2C-Delivery-Attempt': String(req.attempt),
          'Idempotency-Key': req.eventId,
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        res.resume(); // the body is not used; drain it so the socket can be reused
        res.on('end', () =>
          done(
            status >= 200 && status < 300
              ? { ok: true, status }
              : {
                  ok: false,
                  error: `HTTP ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}`,
                },
          ),
        );
        res.on('error', (error) => done({ ok: false, error: error.message }));
      },
    );
    const timer = setTimeout(() => {
      done({ ok: false, error: `no response within ${opts.timeoutMs} ms` });
      request.destroy();
    }, opts.timeoutMs);
    request.on('error', (error) => done({ ok: false, error: error.message }));
    request.end(req.body);
  });
}
