import * as df from 'durable-functions';
import { getClickPulseApp } from '../lib/app/clickPulseApp';
import { createUserActivityEntity } from '../lib/entities/userActivity/entityHandler';
import { USER_ACTIVITY_ENTITY } from '../lib/entities/userActivity/operations';

/**
 * The `userActivity` entity, one per user, run by the Durable Functions runtime (Azure, `func start`).
 * The ingest function signals it once per user per batch; `npm start` and tests run the same handler
 * through the local executor.
 */
export const userActivityEntity = createUserActivityEntity({
  dependencies: async () => {
    const app = await getClickPulseApp();
    if (!app.userActivity)
      throw new TypeError('userActivity: expected the app to wire user activity, found none');
    return { rules: app.userActivity.rules.user, sink: app.userActivity.sink };
  },
});

// The runtime awaits the handler's result (Entity.handle: `await Promise.resolve(fn(context))`).
// eslint-disable-next-line @typescript-eslint/no-misused-promises
df.app.entity(USER_ACTIVITY_ENTITY, userActivityEntity);
