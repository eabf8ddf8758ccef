import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getClickPulseApp } from '../lib/app/clickPulseApp';
import { CLICK_EVENT_LIMITS } from '../lib/clickstream/clickEvent';
import { USER_ACTIVITY_ENTITY } from '../lib/entities/userActivity/operations';
import { profileOf } from '../lib/entities/userActivity/profile';
import { readUserActivityState } from '../lib/entities/userActivity/state';

export const userProfileName = 'userProfile';

const problem = (status: number, detail: string): HttpResponseInit => ({
  status,
  jsonBody: { error: detail },
});

/**
 * GET /api/users/{userId}/profile: the user's counters, baselines and top interests, from the entity's last
 * committed state (Durable client `readEntityState`, or the local executor's table). `?top=N` (1..20,
 * default 5) sizes the interest lists.
 */
export const userProfileHandler = async (
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> => {
  const userId = request.params.userId ?? '';
  if (
    userId.length === 0 ||
    userId.length > CLICK_EVENT_LIMITS.maxIdentifierLength ||
    userId.trim() !== userId ||
    /\p{Cc}/u.test(userId)
  ) {
    return problem(
      400,
      `userId: expected a user id of 1 to ${CLICK_EVENT_LIMITS.maxIdentifierLength} characters, received ${JSON.stringify(userId.slice(0, 64))}`,
    );
  }
  const topParam = request.query.get('top');
  const top = topParam === null ? 5 : Number(topParam);
  if (!Number.isInteger(top) || top < 1 || top > 20) {
    return problem(400, `top: expected an integer in 1..20, received ${JSON.stringify(topParam)}`);
  }
  const clickPulse = await getClickPulseApp();
  const wiring = clickPulse.userActivity;
  if (!wiring) return problem(404, 'user activity is not enabled in this app');
  const stored = await wiring.stateReader(context).readState<unknown>(USER_ACTIVITY_ENTITY, userId);
  if (stored === undefined) return problem(404, `userId: no activity recorded for ${JSON.stringify(userId)}`);
  return {
    status: 200,
    jsonBody: profileOf(readUserActivityState(stored), { userId, rules: wiring.rules.user, top }),
  };
};

app.http(userProfileName, {
  route: 'users/{userId}/profile',
  methods: ['GET'],
  authLevel: 'function',
  extraInputs: [df.input.durableClient()],
  handler: userProfileHandler,
});
