import { CheckGameDataRequest, CheckGameDataResponse } from '@dropgate/contract';
import type { Hub } from '../../../hub.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { shopOf } from '../../shop-auth.ts';
import { errorResponses, partnerRoute } from './common.ts';

export function checkGameDataRoute(app: TypedApp, hub: Hub): void {
  app.post('/api/v1/offers/check-game-data', {
    schema: {
      ...partnerRoute,
      summary: "Checks a player id against the offer's rule; INVALID is an answer, not an error",
      body: CheckGameDataRequest,
      response: { 200: CheckGameDataResponse, ...errorResponses },
    },
  }, async (request) => {
    const { offerId, gameUserId, gameServerId } = request.body;
    const check = await hub.checkout.checkPlayer(shopOf(request), offerId, { gameUserId, gameServerId });
    // No game's player directory is wired in, so the login echoes the checked id.
    return check.valid ? { status: 'VALID' as const, gameUserLogin: gameUserId } : { status: 'INVALID' as const, message: check.message };
  });
}
