import { app, type InvocationContext, type Timer } from '@azure/functions';
import { getClickPulseApp } from '../lib/app/clickPulseApp';

export const closeWindowsName = 'closeWindows';

/** Advances idle partitions' watermarks from the wall clock, so results appear when traffic stops. */
export const closeWindowsHandler = async (_timer: Timer, context: InvocationContext): Promise<void> => {
  const clickPulse = await getClickPulseApp();
  await clickPulse.closeWindows(context);
};

app.timer(closeWindowsName, {
  schedule: '%CLOSE_WINDOWS_SCHEDULE%',
  handler: closeWindowsHandler,
});
