import { describe, expect, it } from 'vitest';

import {
  ALWAYS_REQUIRED_CLICK_EVENT_FIELDS,
  CLICK_DEVICES,
  CLICK_EVENT_FIELD_NAMES,
  CLICK_EVENT_LIMITS,
  CLICK_EVENT_TYPES,
  REQUIRED_CLICK_EVENT_FIELDS_BY_TYPE,
} from '../../../src/lib/clickstream/clickEvent';

describe('clickEvent contract tables', () => {
  it('lists each field, type and device once, with field names unique without regard to case', () => {
    expect(new Set(CLICK_EVENT_FIELD_NAMES.map((name) => name.toLowerCase())).size).toBe(
      CLICK_EVENT_FIELD_NAMES.length,
    );
    expect(new Set(CLICK_EVENT_TYPES).size).toBe(CLICK_EVENT_TYPES.length);
    expect(new Set(CLICK_DEVICES).size).toBe(CLICK_DEVICES.length);
  });

  it('requires the common fields of every event and lists type-specific fields for every type', () => {
    expect(ALWAYS_REQUIRED_CLICK_EVENT_FIELDS).toEqual(['eventId', 'eventType', 'eventTime', 'userId']);
    expect(Object.keys(REQUIRED_CLICK_EVENT_FIELDS_BY_TYPE).sort()).toEqual([...CLICK_EVENT_TYPES].sort());
    for (const fields of Object.values(REQUIRED_CLICK_EVENT_FIELDS_BY_TYPE)) {
      for (const field of fields) {
        expect(CLICK_EVENT_FIELD_NAMES).toContain(field);
        expect(ALWAYS_REQUIRED_CLICK_EVENT_FIELDS).not.toContain(field);
      }
    }
  });

  it('states the bounds', () => {
    expect(CLICK_EVENT_LIMITS).toEqual({
      maxIdentifierLength: 128,
      maxCategoryLength: 128,
      maxSearchQueryLength: 512,
      maxPageLength: 2048,
      maxMoneyAmount: 1_000_000_000,
      minQuantity: 1,
      maxQuantity: 10_000,
    });
  });
});
