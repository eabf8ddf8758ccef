import { jsonErrorOffset } from './jsonErrorOffset';

/** JSON that does not parse even with trailing commas allowed: the message and the 1-based line. */
export class LenientJsonError extends Error {
  override readonly name = 'LenientJsonError';
  constructor(
    message: string,
    /** 1-based line of the first syntax error, when known. */
    readonly line: number | undefined,
  ) {
    super(message);
  }
}

/** Removes commas that directly precede (whitespace aside) a closing `]` or `}`, outside strings. */
export function withoutTrailingCommas(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === ',') {
      let j = i + 1;
      while (j < text.length && ' \t\n\r'.includes(text[j]!)) j++;
      if (text[j] === ']' || text[j] === '}') continue;
    }
    out += ch;
  }
  return out;
}

/**
 * JSON.parse that also accepts trailing commas in arrays and objects, as ASA does in its JSON inputs,
 * and a leading byte-order mark. Throws a {@link LenientJsonError} with the line of the first error.
 */
export function parseLenientJson(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    try {
      return JSON.parse(withoutTrailingCommas(body)) as unknown;
    } catch {
      const offset = jsonErrorOffset(body);
      const line = offset === undefined ? undefined : body.slice(0, offset).split('\n').length;
      throw new LenientJsonError((error as Error).message, line);
    }
  }
}
