import { describe, expect, it } from 'vitest';

import { compileJob } from '../../../src/lib/engine/compileJob';
import { e } from '../../../src/lib/engine/expr';
import type { JobDefinition } from '../../../src/lib/engine/job';

const T0 = Date.parse('2024-05-01T12:00:10.000Z');

const base: JobDefinition = {
  name: 'compile-test',
  inputs: [{ name: 'Input', timestampBy: e.field('EventTime'), contract: 'none', maxEventSizeInBytes: 2048 }],
  eventOrdering: { lateArrivalToleranceInSeconds: 5, outOfOrderToleranceInSeconds: 0, action: 'adjust' },
  statements: [
    {
      output: 'Grouped',
      input: 'input',
      groupBy: {
        keys: [e.field('UserId'), e.call('lower', e.field('Page'))],
        window: { kind: 'tumbling', sizeInMs: 10_000 },
      },
      select: [
        { alias: 'End', expr: e.timestamp() },
        { alias: 'User', expr: e.field('userid') },
        { alias: 'Page', expr: e.call('lower', e.field('page')) },
        { alias: 'N', expr: e.countStar() },
        { alias: 'Twice', expr: e.bin('*', e.countStar(), e.lit(2)) },
        { alias: 'Spent', expr: e.agg('sum', e.field('Amount')) },
        { alias: 'Kinds', expr: e.agg('count', e.field('Kind'), true) },
      ],
      having: e.bin('>', e.countStar(), e.lit(1)),
    },
    { output: 'All', input: 'Input', select: '*' },
    {
      output: 'Grouped',
      input: 'Input',
      where: e.bin('=', e.field('Kind'), e.lit('buy')),
      select: [
        { alias: 'User', expr: e.call('upper', e.field('UserId')) },
        { alias: 'At', expr: e.timestamp() },
      ],
    },
  ],
};

describe('compileJob', () => {
  const job = compileJob(base);
  const [grouped, all, projected] = job.statements;

  it('compiles the input with its defaults and the distinct outputs in statement order', () => {
    expect(job.input.name).toBe('Input');
    expect(job.input.maxEventSizeInBytes).toBe(2048);
    expect(job.input.timestampBy!({ record: { eventtime: 'x' }, timestampMs: 0 })).toBe('x');
    expect(job.outputs).toEqual(['Grouped', 'All']);
    expect(job.statements.map((s) => s.index)).toEqual([0, 1, 2]);
  });

  it('gives one aggregate slot per distinct aggregate, shared by SELECT and HAVING', () => {
    expect(grouped!.aggregates.map((a) => a.kind)).toEqual(['countStar', 'sum', 'countDistinct']);
    expect(grouped!.window).toEqual({ kind: 'tumbling', sizeInMs: 10_000 });
    expect(grouped!.keys.map((k) => k({ record: { userid: 'U1', PAGE: 'Home' }, timestampMs: 0 }))).toEqual([
      'U1',
      'home',
    ]);
    expect(grouped!.aggregates[1]!.arg!({ record: { amount: 3 }, timestampMs: 0 })).toBe(3);
  });

  it('projects a group from its key values and aggregate values, reading keys from the group', () => {
    expect(grouped!.projectGroup(['U1', 'home'], [3, 7.5, 2], T0)).toEqual({
      End: '2024-05-01T12:00:10.000Z',
      User: 'U1',
      Page: 'home',
      N: 3,
      Twice: 6,
      Spent: 7.5,
      Kinds: 2,
    });
  });

  it('returns undefined for a group that HAVING rejects, and for a NULL HAVING', () => {
    expect(grouped!.projectGroup(['U1', 'home'], [1, 1, 1], T0)).toBeUndefined();
    expect(grouped!.projectGroup(['U1', 'home'], [null, 1, 1], T0)).toBeUndefined();
  });

  it('outputs NULL group keys and NULL aggregates as null', () => {
    expect(grouped!.projectGroup([null, null], [2, null, 0], T0)).toMatchObject({
      User: null,
      Page: null,
      Spent: null,
    });
  });

  it('projects SELECT * as a copy of the record, and explicit columns per event', () => {
    const record = { UserId: 'u', Kind: 'buy', nested: { a: 1 } };
    const copy = all!.projectEvent(record, T0);
    expect(copy).toEqual(record);
    expect(copy).not.toBe(record);
    expect(projected!.projectEvent(record, T0)).toEqual({ User: 'U', At: '2024-05-01T12:00:10.000Z' });
    expect(projected!.where!({ record, timestampMs: T0 })).toBe(true);
    expect(projected!.where!({ record: {}, timestampMs: T0 })).toBe(null);
  });

  it('refuses the wrong projection for a statement', () => {
    expect(() => grouped!.projectEvent({}, T0)).toThrow(TypeError);
    expect(() => all!.projectGroup([], [], T0)).toThrow(TypeError);
  });
});
