import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../src/lib/asaql/lexer';
import { QuerySyntaxError } from '../../../src/lib/asaql/querySyntaxError';

const kinds = (text: string): string[] => tokenize(text).map((t) => `${t.kind}:${t.value}`);

function syntaxError(text: string): QuerySyntaxError {
  try {
    tokenize(text);
  } catch (error) {
    expect(error).toBeInstanceOf(QuerySyntaxError);
    return error as QuerySyntaxError;
  }
  throw new Error(`expected a QuerySyntaxError for ${text}`);
}

describe('tokenize', () => {
  it('gives each token its line and column, skipping line and nested block comments', () => {
    const tokens = tokenize('SELECT a -- note\n  /* one /* two */ still */ FROM\tInput');
    expect(tokens.map((t) => [t.text, t.line, t.column])).toEqual([
      ['SELECT', 1, 1],
      ['a', 1, 8],
      ['FROM', 2, 29],
      ['Input', 2, 34],
      ['', 2, 39],
    ]);
    expect(tokens[0]!.upper).toBe('SELECT');
  });

  it('reads strings, quoted identifiers and numbers', () => {
    expect(kinds("'it''s' N'x' [a]]b] \"c\"\"d\" 12 1.5 -.5 2e3 1.5E-2")).toEqual([
      "string:it's",
      'string:x',
      'quoted:a]b',
      'quoted:c"d',
      'number:12',
      'number:1.5',
      'operator:-',
      'number:.5',
      'number:2e3',
      'number:1.5E-2',
      'eof:',
    ]);
  });

  it('reads operators, two-character ones first', () => {
    expect(kinds('a<>b!=c<=d>=e!<f!>g<h>i=j')).toEqual([
      'word:a',
      'operator:<>',
      'word:b',
      'operator:!=',
      'word:c',
      'operator:<=',
      'word:d',
      'operator:>=',
      'word:e',
      'operator:!<',
      'word:f',
      'operator:!>',
      'word:g',
      'operator:<',
      'word:h',
      'operator:>',
      'word:i',
      'operator:=',
      'word:j',
      'eof:',
    ]);
  });

  it('reads a dot after a name as a member access, not a number', () => {
    expect(kinds('a.b x.5')).toEqual([
      'word:a',
      'operator:.',
      'word:b',
      'word:x',
      'operator:.',
      'number:5',
      'eof:',
    ]);
  });

  it('names the position of an unterminated string, identifier or comment', () => {
    expect(syntaxError("SELECT\n  'abc").message).toBe(
      "2:3: expected ' closing the string opened here, received end of input",
    );
    expect(syntaxError('SELECT [abc').message).toBe(
      '1:8: expected ] closing the identifier opened here, received end of input',
    );
    expect(syntaxError('SELECT /* x').message).toBe(
      "1:8: expected '*/' closing the comment opened here, received end of input",
    );
  });

  it('rejects a character that starts no token, and a name starting with a digit', () => {
    const e = syntaxError('SELECT a ? b');
    expect([e.line, e.column, e.token]).toEqual([1, 10, "'?'"]);
    expect(syntaxError('SELECT 1abc').message).toBe(
      "1:8: expected a number or an identifier, received '1a' (a name cannot start with a digit)",
    );
  });
});
