/**
 * LIKE patterns (T-SQL wildcards, as ASA uses them): `%` any run of characters, `_` one character,
 * `[abc]` / `[a-c]` one character of a set, `[^abc]` one character outside it. Everything else matches
 * itself, case-sensitively (ASA compares strings ordinally). A `[` without a closing `]` is literal.
 */
export function likePatternSource(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '%') out += '[\\s\\S]*';
    else if (c === '_') out += '[\\s\\S]';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      const content = close < 0 ? '' : pattern.slice(i + 1, close);
      if (content === '' || content === '^') {
        out += '\\[';
        continue;
      }
      const negated = content.startsWith('^');
      const body = (negated ? content.slice(1) : content).replace(/[\\\][^]/g, (m) => `\\${m}`);
      out += `[${negated ? '^' : ''}${body}]`;
      i = close;
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, (m) => `\\${m}`);
  }
  return out;
}

const cache = new Map<string, RegExp>();
const maxCached = 256;

/** The pattern as an anchored RegExp (cached: queries use few distinct patterns). */
export function likePatternRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(`^${likePatternSource(pattern)}$`);
    if (cache.size >= maxCached) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

/**
 * PATINDEX: the 1-based position of the first match of `pattern` in `text`, or 0. As in T-SQL, a
 * pattern not starting with `%` must match at the start, and one not ending with `%` at the end.
 */
export function likePatternIndex(pattern: string, text: string): number {
  const anchoredStart = !pattern.startsWith('%');
  const anchoredEnd = !pattern.endsWith('%') || pattern.length === 0;
  const core = pattern.replace(/^%+/, '').replace(/%+$/, '');
  const re = new RegExp(`${anchoredStart ? '^' : ''}${likePatternSource(core)}${anchoredEnd ? '$' : ''}`);
  const m = re.exec(text);
  return m ? m.index + 1 : 0;
}
