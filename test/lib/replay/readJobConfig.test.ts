import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobConfigError, jobConfigEventOrdering, readJobConfig } from '../../../src/lib/replay/readJobConfig';

describe('readJobConfig', () => {
  it('reads the event-ordering settings of an ASA JobConfig.json', () => {
    const config = {
      DataLocale: 'en-US',
      OutputErrorPolicy: 'Stop',
      EventsLateArrivalMaxDelayInSeconds: 15,
      EventsOutOfOrderMaxDelayInSeconds: 5,
      EventsOutOfOrderPolicy: 'Drop',
      StreamingUnits: 3,
      CompatibilityLevel: '1.2',
      ScriptType: 'JobConfig',
    };
    expect(jobConfigEventOrdering(config, 'JobConfig.json')).toEqual({
      lateArrivalToleranceInSeconds: 15,
      outOfOrderToleranceInSeconds: 5,
      action: 'drop',
    });
  });

  it('reads absent settings as ASA does: late arrival -1 (wait indefinitely), out of order 0, Adjust', () => {
    expect(jobConfigEventOrdering({ ScriptType: 'JobConfig' }, 'x')).toEqual({
      lateArrivalToleranceInSeconds: -1,
      outOfOrderToleranceInSeconds: 0,
      action: 'adjust',
    });
    expect(
      jobConfigEventOrdering(
        { eventsOutOfOrderPolicy: 'adjust', eventsLateArrivalMaxDelayInSeconds: '10' },
        'x',
      ),
    ).toEqual({
      lateArrivalToleranceInSeconds: 10,
      outOfOrderToleranceInSeconds: 0,
      action: 'adjust',
    });
  });

  it('names every problem', () => {
    expect(() =>
      jobConfigEventOrdering(
        { EventsLateArrivalMaxDelayInSeconds: 1.5, EventsOutOfOrderPolicy: 'Sideways' },
        'JobConfig.json',
      ),
    ).toThrow(
      'JobConfig.json:\n  - EventsLateArrivalMaxDelayInSeconds: expected an integer, received 1.5\n' +
        '  - EventsOutOfOrderPolicy: expected "Adjust" or "Drop", received "Sideways"',
    );
    expect(() => jobConfigEventOrdering({ EventsLateArrivalMaxDelayInSeconds: -2 }, 'j')).toThrow(
      'j:\n  - EventsLateArrivalMaxDelayInSeconds: expected an integer in -1..1814399, received -2',
    );
    expect(() => jobConfigEventOrdering([], 'j')).toThrow(JobConfigError);
  });

  it('reads a file, and names one it cannot read or parse', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cp-jobconfig-'));
    await writeFile(
      join(dir, 'JobConfig.json'),
      '{"EventsLateArrivalMaxDelayInSeconds": 5, "EventsOutOfOrderMaxDelayInSeconds": 0,}',
    );
    await expect(readJobConfig(join(dir, 'JobConfig.json'))).resolves.toEqual({
      lateArrivalToleranceInSeconds: 5,
      outOfOrderToleranceInSeconds: 0,
      action: 'adjust',
    });
    await writeFile(join(dir, 'bad.json'), '{\n"a": }');
    await expect(readJobConfig(join(dir, 'bad.json'))).rejects.toThrow(/bad\.json:2: not valid JSON/);
    await expect(readJobConfig(join(dir, 'none.json'))).rejects.toThrow(/none\.json: cannot be read/);
  });
});
