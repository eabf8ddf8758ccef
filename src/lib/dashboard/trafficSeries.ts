import type { TrafficPoint } from './dashboardData';
import type { TrafficSample } from './readModels/trafficSampleStore';

/**
 * Turns cumulative samples (oldest first) into points: the input rate between each sample and the one
 * before it, and the watermark delay at the sample. `live`, a sample taken now from the progress rows,
 * is appended when it is at least `minGapInMs` newer than the last stored one, so the chart's right
 * edge is current between timer ticks.
 */
export function trafficSeries(
  stored: readonly TrafficSample[],
  live: TrafficSample | undefined,
  minGapInMs = 1000,
): TrafficPoint[] {
  const samples = [...stored];
  const last = samples.at(-1);
  if (live && (!last || live.atMs - last.atMs >= minGapInMs)) samples.push(live);
  return samples.map((s, i) => {
    const prev = samples[i - 1];
    const seconds = prev ? (s.atMs - prev.atMs) / 1000 : 0;
    const delta = prev ? s.inputEvents - prev.inputEvents : -1;
    return {
      time: new Date(s.atMs).toISOString(),
      // A negative difference means the job's state was reset: no rate across it.
      eventsPerSecond: prev && seconds > 0 && delta >= 0 ? delta / seconds : null,
      watermarkDelayInMs: s.maxWatermarkDelayInMs,
    };
  });
}
