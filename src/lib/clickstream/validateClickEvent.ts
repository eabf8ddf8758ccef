import {
  ALWAYS_REQUIRED_CLICK_EVENT_FIELDS,
  CLICK_DEVICES,
  CLICK_EVENT_FIELD_NAMES,
  CLICK_EVENT_LIMITS,
  CLICK_EVENT_TYPES,
  REQUIRED_CLICK_EVENT_FIELDS_BY_TYPE,
} from './clickEvent';
import type { ClickEvent, ClickEventExtraFields, ClickEventFieldName } from './clickEvent';
import { parseIsoDateTimeToMs } from './parseIsoDateTime';

/**
 * The outcome of {@link validateClickEvent}: either the event in canonical form, or every problem found.
 * Each problem reads `<field>: expected <what>, received <what>`.
 */
export type ValidationResult =
  | {
      readonly ok: true;
      readonly event: ClickEvent & ClickEventExtraFields;
      /** `eventTime` parsed, in milliseconds since the Unix epoch (saves the engine a second parse). */
      readonly eventTimeMs: number;
    }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Longest excerpt of a received string quoted in a problem, in UTF-16 code units. */
const MAX_QUOTED_LENGTH = 64;

interface FieldRule {
  /** Describes a valid value, phrased to follow "expected". */
  readonly expected: string;
  readonly isValid: (value: unknown) => boolean;
}

const IDENTIFIER_RULE: FieldRule = {
  expected: `a string of 1 to ${CLICK_EVENT_LIMITS.maxIdentifierLength} characters without control characters or leading or trailing whitespace`,
  isValid: (value) => isIdentifier(value, CLICK_EVENT_LIMITS.maxIdentifierLength),
};

const MONEY_RULE: FieldRule = {
  expected: `a finite number from 0 to ${CLICK_EVENT_LIMITS.maxMoneyAmount}`,
  isValid: (value) => typeof value === 'number' && value >= 0 && value <= CLICK_EVENT_LIMITS.maxMoneyAmount,
};

const FIELD_RULES: Readonly<Record<ClickEventFieldName, FieldRule>> = {
  eventId: IDENTIFIER_RULE,
  eventType: {
    expected: `one of ${CLICK_EVENT_TYPES.map((type) => `"${type}"`).join(', ')}`,
    isValid: (value) => typeof value === 'string' && (CLICK_EVENT_TYPES as readonly string[]).includes(value),
  },
  eventTime: {
    expected: 'an ISO-8601 date-time with offset',
    isValid: (value) => typeof value === 'string' && parseIsoDateTimeToMs(value) !== undefined,
  },
  userId: IDENTIFIER_RULE,
  sessionId: IDENTIFIER_RULE,
  productId: IDENTIFIER_RULE,
  category: {
    expected: `a non-blank string of 1 to ${CLICK_EVENT_LIMITS.maxCategoryLength} characters without control characters`,
    isValid: (value) => isText(value, CLICK_EVENT_LIMITS.maxCategoryLength),
  },
  price: MONEY_RULE,
  quantity: {
    expected: `an integer from ${CLICK_EVENT_LIMITS.minQuantity} to ${CLICK_EVENT_LIMITS.maxQuantity}`,
    isValid: (value) =>
      Number.isInteger(value) &&
      (value as number) >= CLICK_EVENT_LIMITS.minQuantity &&
      (value as number) <= CLICK_EVENT_LIMITS.maxQuantity,
  },
  orderId: IDENTIFIER_RULE,
  amount: MONEY_RULE,
  currency: {
    expected: 'an ISO 4217 currency code of 3 upper-case letters',
    isValid: (value) => typeof value === 'string' && /^[A-Z]{3}$/.test(value),
  },
  paymentMethodId: IDENTIFIER_RULE,
  device: {
    expected: `one of ${CLICK_DEVICES.map((device) => `"${device}"`).join(', ')}`,
    isValid: (value) => typeof value === 'string' && (CLICK_DEVICES as readonly string[]).includes(value),
  },
  country: {
    expected: 'an ISO 3166-1 alpha-2 country code of 2 upper-case letters',
    isValid: (value) => typeof value === 'string' && /^[A-Z]{2}$/.test(value),
  },
  searchQuery: {
    expected: `a non-blank string of 1 to ${CLICK_EVENT_LIMITS.maxSearchQueryLength} characters without control characters`,
    isValid: (value) => isText(value, CLICK_EVENT_LIMITS.maxSearchQueryLength),
  },
  page: {
    expected: `a non-blank string of 1 to ${CLICK_EVENT_LIMITS.maxPageLength} characters without control characters`,
    isValid: (value) => isText(value, CLICK_EVENT_LIMITS.maxPageLength),
  },
};

const FIELD_RULE_BY_INDEX: readonly FieldRule[] = CLICK_EVENT_FIELD_NAMES.map((name) => FIELD_RULES[name]);

/** Index into CLICK_EVENT_FIELD_NAMES by canonical spelling (the common case) and by lower-case spelling. */
const FIELD_INDEX_BY_NAME: ReadonlyMap<string, number> = new Map(
  CLICK_EVENT_FIELD_NAMES.map((name, index) => [name, index]),
);
const FIELD_INDEX_BY_LOWER_CASE_NAME: ReadonlyMap<string, number> = new Map(
  CLICK_EVENT_FIELD_NAMES.map((name, index) => [name.toLowerCase(), index]),
);

const EVENT_TYPE_INDEX = CLICK_EVENT_FIELD_NAMES.indexOf('eventType');
const EVENT_TIME_INDEX = CLICK_EVENT_FIELD_NAMES.indexOf('eventTime');

/** A set of contract fields as a bit mask over their indexes (17 fields fit in 32 bits). */
function maskOf(names: readonly ClickEventFieldName[]): number {
  let mask = 0;
  for (const name of names) {
    mask |= 1 << (FIELD_INDEX_BY_NAME.get(name) as number);
  }
  return mask;
}

const ALWAYS_REQUIRED_MASK = maskOf(ALWAYS_REQUIRED_CLICK_EVENT_FIELDS);
const REQUIRED_MASK_BY_TYPE: ReadonlyMap<string, number> = new Map(
  CLICK_EVENT_TYPES.map((type) => [type, maskOf(REQUIRED_CLICK_EVENT_FIELDS_BY_TYPE[type])]),
);

/**
 * Checks that a parsed JSON value honours the clickstream event contract (see `clickEvent.ts`) and returns it
 * in canonical form.
 *
 * - Field names are matched without regard to case, as Azure Stream Analytics matches column names:
 *   `EventType` and `eventtype` both fill `eventType`. Two fields whose names differ only in case (known or
 *   not) are a problem, because a case-insensitive query could not tell them apart.
 * - Unknown fields are allowed and copied unchanged, under their original names, after the contract fields.
 * - A `null` optional field is treated as absent and left out of the returned event; so is a property whose
 *   value is `undefined` (which JSON cannot express), whether known or not.
 * - All problems are reported, in canonical field order, not only the first.
 *
 * Pure and allocation-light: it does not mutate `value` and returns a new object.
 *
 * @param value The result of `JSON.parse` on an event body (any value is accepted).
 */
export function validateClickEvent(value: unknown): ValidationResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, problems: [`event: expected a JSON object, received ${describeReceived(value)}`] };
  }
  const record = value as Readonly<Record<string, unknown>>;

  // Map every incoming name to a contract field (exact spelling first, then without regard to case).
  const originalNames: (string | undefined)[] = new Array<string | undefined>(CLICK_EVENT_FIELD_NAMES.length);
  let extraNames: string[] | undefined;
  let duplicateNamesByIndex: Map<number, string[]> | undefined;
  // True while the record is already in canonical form (canonical names in canonical order, no nulls,
  // no extra fields): then, valid, it is returned as it is, which spares the hot path a copy.
  let canonical = true;
  let lastIndex = -1;
  for (const name of Object.keys(record)) {
    const fieldValue = record[name];
    if (fieldValue === undefined) {
      canonical = false;
      continue; // not expressible in JSON; an own property holding undefined is absent
    }
    const exactIndex = FIELD_INDEX_BY_NAME.get(name);
    const index = exactIndex ?? FIELD_INDEX_BY_LOWER_CASE_NAME.get(name.toLowerCase());
    if (index === undefined) {
      canonical = false;
      (extraNames ??= []).push(name);
      continue;
    }
    if (exactIndex === undefined || index <= lastIndex || fieldValue === null) canonical = false;
    lastIndex = index;
    const previous = originalNames[index];
    if (previous === undefined) {
      originalNames[index] = name;
    } else {
      duplicateNamesByIndex ??= new Map();
      const duplicates = duplicateNamesByIndex.get(index);
      if (duplicates === undefined) {
        duplicateNamesByIndex.set(index, [previous, name]);
      } else {
        duplicates.push(name);
      }
    }
  }

  const problems: string[] = [];
  // The type-specific requirements apply only when the event type is unambiguous.
  const typeName = originalNames[EVENT_TYPE_INDEX];
  const rawType =
    typeName === undefined || duplicateNamesByIndex?.has(EVENT_TYPE_INDEX) === true
      ? undefined
      : record[typeName];
  const typeMask = typeof rawType === 'string' ? (REQUIRED_MASK_BY_TYPE.get(rawType) ?? 0) : 0;
  const requiredMask = ALWAYS_REQUIRED_MASK | typeMask;

  // A record already in canonical form is returned as it is: no copy to build.
  const event: Record<string, unknown> | undefined = canonical ? undefined : {};
  let eventTimeMs = Number.NaN;
  for (let index = 0; index < CLICK_EVENT_FIELD_NAMES.length; index++) {
    const originalName = originalNames[index];
    if (originalName === undefined && (requiredMask & (1 << index)) === 0) continue; // absent, optional
    const name = CLICK_EVENT_FIELD_NAMES[index] as ClickEventFieldName;
    const rule = FIELD_RULE_BY_INDEX[index] as FieldRule;
    const fieldValue = originalName === undefined ? undefined : record[originalName];
    if (duplicateNamesByIndex !== undefined && duplicateNamesByIndex.has(index)) {
      continue; // reported below
    }
    if (fieldValue === undefined || fieldValue === null) {
      if ((requiredMask & (1 << index)) !== 0) {
        const why =
          (ALWAYS_REQUIRED_MASK & (1 << index)) !== 0
            ? 'required'
            : `required for eventType "${rawType as string}"`;
        problems.push(
          `${describeName(name, originalName)}: expected ${rule.expected} (${why}), received ${describeReceived(fieldValue)}`,
        );
      }
      continue;
    }
    if (index === EVENT_TIME_INDEX) {
      // Parsed once: the result is both the check and the value the engine needs.
      eventTimeMs =
        typeof fieldValue === 'string' ? (parseIsoDateTimeToMs(fieldValue) ?? Number.NaN) : Number.NaN;
      if (Number.isNaN(eventTimeMs)) {
        problems.push(
          `${describeName(name, originalName)}: expected ${rule.expected}, received ${describeReceived(fieldValue)}`,
        );
        continue;
      }
    } else if (!rule.isValid(fieldValue)) {
      problems.push(
        `${describeName(name, originalName)}: expected ${rule.expected}, received ${describeReceived(fieldValue)}`,
      );
      continue;
    }
    if (event) event[name] = fieldValue;
  }

  if (duplicateNamesByIndex !== undefined) {
    for (const [index, names] of [...duplicateNamesByIndex].sort(([a], [b]) => a - b)) {
      problems.push(describeDuplicate(CLICK_EVENT_FIELD_NAMES[index] as string, names));
    }
  }
  if (extraNames !== undefined && extraNames.length > 1) {
    const extraNamesByLowerCase = new Map<string, string[]>();
    for (const name of extraNames) {
      const lowerCaseName = name.toLowerCase();
      const group = extraNamesByLowerCase.get(lowerCaseName);
      if (group === undefined) {
        extraNamesByLowerCase.set(lowerCaseName, [name]);
      } else {
        group.push(name);
      }
    }
    for (const group of extraNamesByLowerCase.values()) {
      if (group.length > 1) {
        problems.push(describeDuplicate(group[0] as string, group));
      }
    }
  }
  if (problems.length > 0) {
    return { ok: false, problems };
  }
  if (!event) {
    return { ok: true, event: record as unknown as ClickEvent & ClickEventExtraFields, eventTimeMs };
  }
  if (extraNames === undefined) {
    return { ok: true, event: event as unknown as ClickEvent & ClickEventExtraFields, eventTimeMs };
  }

  for (const name of extraNames) {
    // defineProperty, not assignment: an own "__proto__" field must stay data, never become the prototype.
    Object.defineProperty(event, name, {
      value: record[name],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { ok: true, event: event as unknown as ClickEvent & ClickEventExtraFields, eventTimeMs };
}

/** The canonical name, followed by the received spelling when it differs: `eventType (as "EventType")`. */
function describeName(name: string, originalName: string | undefined): string {
  return originalName === undefined || originalName === name
    ? name
    : `${name} (as ${JSON.stringify(originalName)})`;
}

function describeDuplicate(name: string, originalNames: readonly string[]): string {
  return (
    `${name}: expected a single field of that name (names are compared without regard to case), ` +
    `received ${originalNames.length} fields: ${originalNames.map((original) => JSON.stringify(original)).join(', ')}`
  );
}

/**
 * True for a string of 1 to `maxLength` UTF-16 code units with no control character, no unpaired surrogate
 * and no leading or trailing whitespace.
 */
function isIdentifier(value: unknown, maxLength: number): boolean {
  return (
    isText(value, maxLength) &&
    !isWhitespace(value.charCodeAt(0)) &&
    !isWhitespace(value.charCodeAt(value.length - 1))
  );
}

/**
 * True for a string of 1 to `maxLength` UTF-16 code units that is not only whitespace and contains no control
 * character (U+0000-U+001F, U+007F-U+009F) and no unpaired surrogate.
 */
function isText(value: unknown, maxLength: number): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    return false;
  }
  let blank = true;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) {
      return false;
    }
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(index + 1); // NaN past the end
      if (!(next >= 0xdc00 && next <= 0xdfff)) {
        return false;
      }
      index++;
      blank = false;
      continue;
    }
    if (code >= 0xdc00 && code <= 0xdfff) {
      return false;
    }
    if (blank && !isWhitespace(code)) {
      blank = false;
    }
  }
  return !blank;
}

/** The characters `String.prototype.trim` removes, apart from control characters (rejected anyway). */
function isWhitespace(code: number): boolean {
  return (
    code === 0x20 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** Describes a received value for a problem message: strings quoted (and shortened), other values by kind. */
function describeReceived(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  if (value === null) {
    return 'null';
  }
  if (typeof value === 'string') {
    if (value.length <= MAX_QUOTED_LENGTH) {
      return JSON.stringify(value);
    }
    return `${JSON.stringify(value.slice(0, MAX_QUOTED_LENGTH))}... (${value.length} characters)`;
  }
  if (typeof value === 'number') {
    return Object.is(value, -0) ? 'the number -0' : `the number ${String(value)}`;
  }
  if (typeof value === 'boolean') {
    return `the boolean ${String(value)}`;
  }
  if (typeof value === 'bigint') {
    return `the bigint ${String(value)}`;
  }
  if (Array.isArray(value)) {
    return `an array of ${value.length} items`;
  }
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
