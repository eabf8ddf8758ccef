import type { SourcePosition } from './queryError';
import { QuerySyntaxError } from './querySyntaxError';

/**
 * - `word`: a bare identifier or keyword (keywords are matched without regard to case by the parser)
 * - `quoted`: an identifier in [brackets] or "double quotes"
 * - `number`, `string`: literals (`value` holds the number's text or the string's content)
 * - `operator`: punctuation and operators
 * - `eof`: the end of the text
 */
export type TokenKind = 'word' | 'quoted' | 'number' | 'string' | 'operator' | 'eof';

export interface Token extends SourcePosition {
  readonly kind: TokenKind;
  /** The token as written in the query. */
  readonly text: string;
  /** Identifier name without quotes, string content without quotes and escapes, number text, operator. */
  readonly value: string;
  /** Upper-case `value` of a word, for keyword matching; empty for other kinds. */
  readonly upper: string;
}

const operators = ['<>', '<=', '>=', '!=', '!<', '!>', '(', ')', ',', '.', ';', '*', '/', '%', '+', '-'];
const singleOperators = new Set(['=', '<', '>', '&', '|', '^', '~']);
const identifierStart = /[\p{L}_]/u;
const identifierPart = /[\p{L}\p{N}_@#$]/u;

/** How a token is named in an error message: quoted text, or 'end of input'. */
export function describeToken(token: Token): string {
  if (token.kind === 'eof') return 'end of input';
  const text = token.text.length > 40 ? `${token.text.slice(0, 37)}...` : token.text;
  return `'${text}'`;
}

/**
 * Splits an ASA query into tokens with their line and column. Skips whitespace, `-- line` comments and
 * (nested) `/* block *\/` comments. Throws a {@link QuerySyntaxError} on an unterminated string, quoted
 * identifier or comment, or on a character that starts no token.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const position = (offset: number): SourcePosition => ({ line, column: offset - lineStart + 1, offset });
  /** Advances over text[i..end), keeping line and column right across line breaks. */
  const advanceTo = (end: number): void => {
    for (; i < end; i++) {
      if (text[i] === '\n') {
        line++;
        lineStart = i + 1;
      }
    }
  };
  const push = (kind: TokenKind, start: SourcePosition, raw: string, value: string): void => {
    tokens.push({ kind, text: raw, value, upper: kind === 'word' ? value.toUpperCase() : '', ...start });
  };

  while (i < text.length) {
    const c = text[i]!;
    if (/\s/u.test(c) || c === '\uFEFF') {
      advanceTo(i + 1);
      continue;
    }
    if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      advanceTo(end < 0 ? text.length : end);
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const start = position(i);
      let depth = 0;
      let j = i;
      while (j < text.length) {
        if (text[j] === '/' && text[j + 1] === '*') {
          depth++;
          j += 2;
        } else if (text[j] === '*' && text[j + 1] === '/') {
          depth--;
          j += 2;
          if (depth === 0) break;
        } else j++;
      }
      if (depth !== 0) {
        throw new QuerySyntaxError(start, 'end of input', ["'*/' closing the comment opened here"]);
      }
      advanceTo(j);
      continue;
    }
    const start = position(i);
    if (c === "'" || ((c === 'N' || c === 'n') && text[i + 1] === "'")) {
      const open = c === "'" ? i : i + 1;
      const { value, end } = readQuoted(text, open, "'", "'");
      if (end < 0) throw new QuerySyntaxError(start, 'end of input', ["' closing the string opened here"]);
      const raw = text.slice(i, end);
      advanceTo(end);
      push('string', start, raw, value);
      continue;
    }
    if (c === '[' || c === '"') {
      const close = c === '[' ? ']' : '"';
      const { value, end } = readQuoted(text, i, c, close);
      if (end < 0) {
        throw new QuerySyntaxError(start, 'end of input', [`${close} closing the identifier opened here`]);
      }
      const raw = text.slice(i, end);
      advanceTo(end);
      push('quoted', start, raw, value);
      continue;
    }
    const previous = tokens[tokens.length - 1];
    const afterOperand =
      previous !== undefined &&
      (previous.kind === 'word' ||
        previous.kind === 'quoted' ||
        previous.kind === 'number' ||
        previous.text === ')');
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? '') && !afterOperand)) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i))!;
      const raw = m[0];
      const next = text[i + raw.length];
      if (next !== undefined && identifierPart.test(next)) {
        throw new QuerySyntaxError(
          start,
          `'${raw}${next}'`,
          ['a number or an identifier'],
          'a name cannot start with a digit',
        );
      }
      advanceTo(i + raw.length);
      push('number', start, raw, raw);
      continue;
    }
    if (identifierStart.test(c)) {
      let j = i + 1;
      while (j < text.length && identifierPart.test(text[j]!)) j++;
      const raw = text.slice(i, j);
      advanceTo(j);
      push('word', start, raw, raw);
      continue;
    }
    const two = text.slice(i, i + 2);
    const op =
      operators.find((o) => o.length === 2 && o === two) ??
      (operators.includes(c) || singleOperators.has(c) ? c : undefined);
    if (op !== undefined) {
      advanceTo(i + op.length);
      push('operator', start, op, op);
      continue;
    }
    throw new QuerySyntaxError(start, `'${c}'`, ['a keyword, name, literal or operator']);
  }
  tokens.push({ kind: 'eof', text: '', value: '', upper: '', ...position(text.length) });
  return tokens;
}

/** Reads a quoted run starting at `open` (a doubled closing character is an escaped one). */
function readQuoted(
  text: string,
  open: number,
  _openChar: string,
  close: string,
): { value: string; end: number } {
  let value = '';
  let j = open + 1;
  for (;;) {
    const k = text.indexOf(close, j);
    if (k < 0) return { value, end: -1 };
    value += text.slice(j, k);
    if (text[k + 1] === close) {
      value += close;
      j = k + 2;
      continue;
    }
    return { value, end: k + 1 };
  }
}
