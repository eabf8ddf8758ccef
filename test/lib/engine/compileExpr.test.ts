import { describe, expect, it } from 'vitest';

import { compileExpr, type EvalContext } from '../../../src/lib/engine/compileExpr';
import { e, type BinaryOperator, type Expr } from '../../../src/lib/engine/expr';
import type { EventRecord } from '../../../src/lib/engine/values';

const T0 = Date.parse('2024-05-01T12:00:00.000Z');

const evaluate = (expr: Expr, record: EventRecord = {}, extra: Partial<EvalContext> = {}): unknown =>
  compileExpr(expr)({ record, timestampMs: T0, ...extra });

const lit = e.lit;
const NULL = lit(null);
const unary = (op: 'not' | 'negate' | 'isNull' | 'isNotNull', operand: Expr): Expr => ({
  kind: 'unary',
  op,
  operand,
});

describe('compileExpr: literals, fields and System.Timestamp', () => {
  it.each([null, true, false, 0, -1.5, '', 'text'])('a literal %j evaluates to itself', (v) => {
    expect(evaluate(lit(v))).toBe(v);
  });

  it('System.Timestamp() is the row timestamp as a datetime', () => {
    const v = evaluate(e.timestamp());
    expect(v).toBeInstanceOf(Date);
    expect((v as Date).getTime()).toBe(T0);
  });

  it.each<[string, string[], EventRecord, unknown]>([
    ['a field by its exact name', ['UserId'], { UserId: 'u1' }, 'u1'],
    ['a field by another case (ASA column names are case-insensitive)', ['userid'], { UserId: 'u1' }, 'u1'],
    ['a field named in upper case', ['USERID'], { userId: 'u1' }, 'u1'],
    ['the exact spelling wins over another case', ['a'], { A: 2, a: 1 }, 1],
    ['the exact spelling wins over another case, the other way round', ['A'], { a: 1, A: 2 }, 2],
    ['a missing field is NULL', ['Nope'], { UserId: 'u1' }, null],
    ['a field holding null is NULL', ['X'], { X: null }, null],
    ['a field holding false is false, not NULL', ['X'], { X: false }, false],
    ['a field holding 0 is 0', ['X'], { X: 0 }, 0],
    ['a field holding an empty string is the empty string', ['X'], { X: '' }, ''],
    ['a nested field', ['device', 'os'], { device: { os: 'ios' } }, 'ios'],
    ['a nested field, case-insensitive at every level', ['Device', 'OS'], { device: { os: 'ios' } }, 'ios'],
    ['a nested field three levels down', ['a', 'b', 'c'], { A: { B: { C: 3 } } }, 3],
    ['a nested field under a missing parent is NULL', ['device', 'os'], { other: 1 }, null],
    ['a nested field under a scalar is NULL', ['device', 'os'], { device: 'ios' }, null],
    ['a nested field under null is NULL', ['device', 'os'], { device: null }, null],
    ['a nested field under an array is NULL', ['device', 'os'], { device: [{ os: 'ios' }] }, null],
    ['a record-valued field is the record', ['device'], { device: { os: 'ios' } }, { os: 'ios' }],
  ])('reads %s', (_description, path, record, expected) => {
    expect(evaluate(e.field(...path), record)).toEqual(expected);
  });

  it('a field path must name at least one field', () => {
    expect(() => compileExpr({ kind: 'field', path: [] })).toThrow(RangeError);
  });
});

describe('compileExpr: NULL semantics', () => {
  it.each<[BinaryOperator, Expr, Expr, unknown]>([
    ['+', lit(2), lit(3), 5],
    ['-', lit(2), lit(3), -1],
    ['*', lit(2), lit(3), 6],
    ['/', lit(3), lit(2), 1.5],
    ['%', lit(7), lit(3), 1],
    ['+', lit(2), NULL, null],
    ['-', NULL, lit(3), null],
    ['*', NULL, NULL, null],
    ['/', lit(1), NULL, null],
    ['%', NULL, lit(1), null],
    ['/', lit(1), lit(0), null],
    ['%', lit(1), lit(0), null],
    ['+', lit('a'), lit(1), null],
    ['+', lit(true), lit(1), null],
  ])('%s with %j and %j gives %j', (op, left, right, expected) => {
    expect(evaluate(e.bin(op, left, right))).toBe(expected);
  });

  it.each<[BinaryOperator, unknown, unknown, unknown]>([
    ['=', 1, 1, true],
    ['=', 1, 2, false],
    ['<>', 1, 2, true],
    ['<>', 'a', 'a', false],
    ['<', 1, 2, true],
    ['<=', 2, 2, true],
    ['>', 'b', 'a', true],
    ['>=', 'a', 'b', false],
    ['=', 'a', 'A', false],
    ['<', 'B', 'a', true],
    ['=', true, true, true],
    ['<', false, true, true],
    ['=', null, null, null],
    ['=', 1, null, null],
    ['<>', null, 1, null],
    ['<', null, 1, null],
    ['>=', 1, null, null],
    ['=', 1, '1', null],
    ['<', 1, 'a', null],
    ['=', true, 1, null],
  ])('comparison %s of %j and %j gives %j', (op, l, r, expected) => {
    const asLit = (v: unknown): Expr => lit(v as null | boolean | number | string);
    expect(evaluate(e.bin(op, asLit(l), asLit(r)))).toBe(expected);
  });

  it('datetimes compare by instant', () => {
    const ts = e.timestamp();
    expect(evaluate(e.bin('=', ts, e.timestamp()))).toBe(true);
    expect(evaluate(e.bin('<', ts, ts))).toBe(false);
    // A datetime and a number are not comparable.
    expect(evaluate(e.bin('=', ts, lit(T0)))).toBe(null);
  });

  it('records are not comparable', () => {
    expect(evaluate(e.bin('=', e.field('a'), e.field('b')), { a: { x: 1 }, b: { x: 1 } })).toBe(null);
  });

  it.each<[string, Expr, unknown]>([
    ['NOT TRUE', e.not(lit(true)), false],
    ['NOT FALSE', e.not(lit(false)), true],
    ['NOT NULL', e.not(NULL), null],
    ['-x', unary('negate', lit(3)), -3],
    ['-NULL', unary('negate', NULL), null],
    ["-'a'", unary('negate', lit('a')), null],
    ['NULL IS NULL', unary('isNull', NULL), true],
    ['missing field IS NULL', unary('isNull', e.field('nope')), true],
    ['0 IS NULL', unary('isNull', lit(0)), false],
    ['NULL IS NOT NULL', unary('isNotNull', NULL), false],
    ["'' IS NOT NULL", unary('isNotNull', lit('')), true],
  ])('%s', (_description, expr, expected) => {
    expect(evaluate(expr)).toBe(expected);
  });
});

describe('compileExpr: three-valued AND and OR', () => {
  const values: readonly [string, boolean | null][] = [
    ['TRUE', true],
    ['FALSE', false],
    ['NULL', null],
  ];
  // SQL's truth tables.
  const and = (a: boolean | null, b: boolean | null): boolean | null =>
    a === false || b === false ? false : a === null || b === null ? null : true;
  const or = (a: boolean | null, b: boolean | null): boolean | null =>
    a === true || b === true ? true : a === null || b === null ? null : false;

  for (const [ln, l] of values) {
    for (const [rn, r] of values) {
      it(`${ln} AND ${rn} is ${String(and(l, r))}; ${ln} OR ${rn} is ${String(or(l, r))}`, () => {
        expect(evaluate(e.bin('and', lit(l), lit(r)))).toBe(and(l, r));
        expect(evaluate(e.bin('or', lit(l), lit(r)))).toBe(or(l, r));
      });
    }
  }

  it('AND short-circuits on FALSE and OR on TRUE: the right side is not evaluated', () => {
    let calls = 0;
    const spy: Expr = { kind: 'field', path: ['x'] };
    const record = {
      get x(): boolean {
        calls++;
        return true;
      },
    };
    evaluate(e.bin('and', lit(false), spy), record);
    evaluate(e.bin('or', lit(true), spy), record);
    expect(calls).toBe(0);
    evaluate(e.bin('and', lit(true), spy), record);
    expect(calls).toBe(1);
  });

  it('NULL comparisons combine: (x > 1) OR (y = 2) with x NULL and y = 2 is TRUE, with y = 3 is NULL', () => {
    const cond = e.bin('or', e.bin('>', e.field('x'), lit(1)), e.bin('=', e.field('y'), lit(2)));
    expect(evaluate(cond, { y: 2 })).toBe(true);
    expect(evaluate(cond, { y: 3 })).toBe(null);
  });
});

describe('compileExpr: CASE', () => {
  const caseExpr = (otherwise?: Expr): Expr => ({
    kind: 'case',
    branches: [
      { when: e.bin('>', e.field('n'), lit(10)), then: lit('big') },
      { when: e.bin('>', e.field('n'), lit(5)), then: lit('medium') },
      { when: lit(true), then: e.field('label') },
    ],
    ...(otherwise ? { otherwise } : {}),
  });

  it('takes the first branch whose condition is TRUE', () => {
    expect(evaluate(caseExpr(), { n: 20 })).toBe('big');
    expect(evaluate(caseExpr(), { n: 7 })).toBe('medium');
    expect(evaluate(caseExpr(), { n: 1, label: 'small' })).toBe('small');
  });

  it('treats a NULL condition as not TRUE and moves on', () => {
    expect(evaluate(caseExpr(), { label: 'no n' })).toBe('no n');
  });

  it('gives ELSE when no condition is TRUE, and NULL without ELSE', () => {
    const noMatch: Expr = {
      kind: 'case',
      branches: [{ when: e.bin('=', e.field('n'), lit(1)), then: lit('one') }],
    };
    const withElse: Expr = { ...noMatch, otherwise: lit('other') };
    expect(evaluate(noMatch, { n: 2 })).toBe(null);
    expect(evaluate(noMatch, {})).toBe(null);
    expect(evaluate(withElse, { n: 2 })).toBe('other');
    expect(evaluate(withElse, {})).toBe('other');
  });

  it('evaluates only the chosen branch', () => {
    const reads: string[] = [];
    const record = {
      get a(): number {
        reads.push('a');
        return 1;
      },
      get b(): number {
        reads.push('b');
        return 2;
      },
    };
    const expr: Expr = {
      kind: 'case',
      branches: [{ when: lit(true), then: e.field('a') }],
      otherwise: e.field('b'),
    };
    expect(evaluate(expr, record)).toBe(1);
    expect(reads).toEqual(['a']);
  });
});

describe('compileExpr: scalar functions', () => {
  it.each<[string, Expr, EventRecord, unknown]>([
    ['LOWER', e.call('LOWER', e.field('s')), { s: 'AbC' }, 'abc'],
    ['UPPER', e.call('upper', e.field('s')), { s: 'AbC' }, 'ABC'],
    ['function names are case-insensitive', e.call('Upper', lit('x')), {}, 'X'],
    ['LOWER(NULL) is NULL', e.call('lower', e.field('missing')), {}, null],
    ['LEN', e.call('len', lit('four')), {}, 4],
    ['LEN(NULL) is NULL', e.call('len', NULL), {}, null],
    ['LEN of a number counts its text', e.call('len', lit(123)), {}, 3],
    ['CONCAT', e.call('concat', lit('a'), lit(1), lit(true)), {}, 'a1true'],
    ['CONCAT treats NULL as empty', e.call('concat', lit('a'), NULL, e.field('x')), {}, 'a'],
    [
      'CONCAT of a datetime uses ISO-8601 UTC',
      e.call('concat', lit('at '), e.timestamp()),
      {},
      'at 2024-05-01T12:00:00.000Z',
    ],
    ['COALESCE returns the first non-NULL', e.call('coalesce', e.field('a'), NULL, lit(0), lit(1)), {}, 0],
    ['COALESCE of only NULLs is NULL', e.call('coalesce', NULL, e.field('a')), {}, null],
    ['COALESCE keeps false', e.call('coalesce', NULL, lit(false)), {}, false],
    ['ABS', e.call('abs', lit(-2.5)), {}, 2.5],
    ['ABS of a string is NULL', e.call('abs', lit('-2')), {}, null],
    ['FLOOR', e.call('floor', lit(-2.5)), {}, -3],
    ['CEILING', e.call('ceiling', lit(-2.5)), {}, -2],
    ['CEILING(NULL) is NULL', e.call('ceiling', NULL), {}, null],
    ['nested calls', e.call('len', e.call('concat', e.field('a'), e.field('b'))), { a: 'xy', b: 'z' }, 3],
  ])('%s', (_description, expr, record, expected) => {
    expect(evaluate(expr, record)).toEqual(expected);
  });

  it('rejects an unknown function, naming the known ones', () => {
    expect(() => compileExpr(e.call('frobnicate', lit(1)))).toThrow(RangeError);
    expect(() => compileExpr(e.call('frobnicate', lit(1)))).toThrow(
      /function frobnicate: expected one of .*lower.*received frobnicate/,
    );
  });

  it('rejects a wrong argument count', () => {
    expect(() => compileExpr(e.call('lower'))).toThrow('function lower: expected 1..1 arguments, received 0');
    expect(() => compileExpr(e.call('abs', lit(1), lit(2)))).toThrow(
      'function abs: expected 1..1 arguments, received 2',
    );
  });
});

describe('compileExpr: aggregates and group keys', () => {
  it('rejects an aggregate outside a grouped SELECT or HAVING', () => {
    expect(() => compileExpr(e.countStar())).toThrow(
      new TypeError('aggregate COUNT: expected only in a grouped SELECT or HAVING'),
    );
  });

  it('reads aggregates from their slots and substitutes group keys', () => {
    const key = e.field('UserId');
    const expr = e.bin('+', e.agg('sum', e.field('v')), e.call('len', key));
    const evaluator = compileExpr(expr, {
      resolveAggregate: () => 1,
      substitute: (node) => (node.kind === 'field' ? (ctx) => ctx.groupKeys?.[0] : undefined),
    });
    expect(evaluator({ record: {}, timestampMs: T0, aggregates: [99, 10], groupKeys: ['abcd'] })).toBe(14);
    // An aggregate slot that is NULL reads as NULL.
    expect(evaluator({ record: {}, timestampMs: T0, aggregates: [99, null], groupKeys: ['abcd'] })).toBe(
      null,
    );
  });
});
