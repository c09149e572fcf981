// /device: the device verification page of RFC 8628 on Hydra's API (issue 16). It holds only the device
// challenge from /oauth2/device/verify; the code typed here goes to acceptUserCodeRequest, and the browser
// continues at the authorization server (bound there to this browser) into the usual sign-in and consent.
// User codes tried are limited per requester address (the one client-address resolver: fastify's request.ip
// with TRUST_PROXY) here, and per challenge and over all challenges by the authorization server.
import type { FastifyInstance } from 'fastify';
import type { Limit } from '../../shared/limits/limit.ts';
import { t } from '../messages.ts';
import { addressKey } from '../../shared/limits/client-address.ts';
import { td } from '../device-messages.ts';
import { renderDeviceCodePage, renderDeviceDonePage } from '../pages/device-pages.ts';
import { challengeOf, csrfRejected, fields, formContext, missingChallenge, pathWith, seeOther, sendError, sendHtml, str, type UiContext } from './support.ts';

const restart = (ctx: UiContext) => ({ href: `${ctx.config.urls.issuer}/oauth2/device/verify`, label: td('device.restart') });

export function registerDeviceRoutes(app: FastifyInstance, ctx: UiContext, addressLimit: Limit | undefined): void {
  const { hydra, csrf } = ctx;

  app.get('/device', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const challenge = challengeOf(query.device_challenge);
    if (!challenge) return missingChallenge(reply, 'device');
    const userCode = str(query.user_code).slice(0, 16);
    return sendHtml(reply, renderDeviceCodePage({ form: formContext(ctx, request, reply), challenge, userCode }));
  });

  app.post('/device', async (request, reply) => {
    const body = fields(request);
    const challenge = challengeOf(body.device_challenge);
    if (!challenge) return missingChallenge(reply, 'device');
    if (!csrf.verify(request, body[csrf.field])) return csrfRejected(reply, pathWith('/device', 'device_challenge', challenge));
    const userCode = str(body.user_code).slice(0, 64);
    const again = (error: string) => sendHtml(reply, renderDeviceCodePage({ form: formContext(ctx, request, reply), challenge, userCode, error }), 400);
    if (!userCode.trim()) return again(td('device.empty'));
    if (addressLimit) {
      const hit = await addressLimit.hit(addressKey(request.ip));
      if (!hit.allowed) return tooMany(hit.retryAfter);
    }
    const accepted = await hydra.acceptUserCodeRequest(challenge, { user_code: userCode });
    if (accepted.ok) return seeOther(reply, accepted.value.redirect_to);
    const { status } = accepted.error;
    if (status === 400) return again(td('device.wrong'));
    if (status === 429) return tooMany(60);
    if (status === 404 || status === 410) {
      return sendError(reply, { status: 404, title: td('device.expiredTitle'), message: td('device.expired'), action: restart(ctx) });
    }
    return sendError(reply, { status: 503, title: t('flow.unavailableTitle'), message: t('flow.unavailable') });

    function tooMany(retryAfter: number) {
      reply.header('retry-after', String(retryAfter));
      return sendError(reply, { status: 429, title: td('device.tooManyTitle'), message: td('device.tooMany'), action: restart(ctx) });
    }
  });

  app.get('/device/done', async (_request, reply) => sendHtml(reply, renderDeviceDonePage()));
}
