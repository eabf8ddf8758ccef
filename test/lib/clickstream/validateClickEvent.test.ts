import { describe, expect, it } from 'vitest';

import {
  CLICK_DEVICES,
  CLICK_EVENT_TYPES,
  REQUIRED_CLICK_EVENT_FIELDS_BY_TYPE,
} from '../../../src/lib/clickstream/clickEvent';
import type { ClickEventFieldName, ClickEventType } from '../../../src/lib/clickstream/clickEvent';
import { validateClickEvent } from '../../../src/lib/clickstream/validateClickEvent';

const COMMON = {
  eventId: 'evt-1',
  eventTime: '2024-05-01T12:00:00.000Z',
  userId: 'user-1',
} as const;

/** The smallest valid event of each type. */
const MINIMAL_EVENTS: Readonly<Record<ClickEventType, Readonly<Record<string, unknown>>>> = {
  page_view: { ...COMMON, eventType: 'page_view', page: '/' },
  product_view: { ...COMMON, eventType: 'product_view', productId: 'p-1' },
  click: { ...COMMON, eventType: 'click', productId: 'p-1' },
  search: { ...COMMON, eventType: 'search', searchQuery: 'red shoes' },
  add_to_cart: { ...COMMON, eventType: 'add_to_cart', productId: 'p-1', quantity: 2, price: 9.99 },
  remove_from_cart: { ...COMMON, eventType: 'remove_from_cart', productId: 'p-1', quantity: 1, price: 9.99 },
  checkout_start: { ...COMMON, eventType: 'checkout_start', sessionId: 's-1' },
  purchase: { ...COMMON, eventType: 'purchase', orderId: 'o-1', amount: 19.98, currency: 'EUR' },
  payment_failed: {
    ...COMMON,
    eventType: 'payment_failed',
    orderId: 'o-1',
    amount: 19.98,
    currency: 'EUR',
    paymentMethodId: 'pm-1',
  },
};

/** A valid event with every contract field set. */
const FULL_EVENT = {
  eventId: 'evt-2',
  eventType: 'add_to_cart',
  eventTime: '2024-05-01T14:00:00.1234567+02:00',
  userId: 'user-2',
  sessionId: 's-2',
  productId: 'p-2',
  category: 'shoes',
  price: 49.5,
  quantity: 3,
  orderId: 'o-2',
  amount: 148.5,
  currency: 'USD',
  paymentMethodId: 'pm-2',
  device: 'mobile',
  country: 'US',
  searchQuery: 'running shoes',
  page: '/product/p-2',
} as const;

function problemsOf(value: unknown): readonly string[] {
  const result = validateClickEvent(value);
  return result.ok ? [] : result.problems;
}

describe('validateClickEvent', () => {
  describe('required fields', () => {
    it.each(CLICK_EVENT_TYPES)('accepts the minimal %s event and returns it unchanged', (type) => {
      expect(validateClickEvent(MINIMAL_EVENTS[type])).toEqual({
        ok: true,
        event: MINIMAL_EVENTS[type],
        eventTimeMs: Date.parse(COMMON.eventTime),
      });
    });

    it('accepts an event with every field and returns the fields in canonical order', () => {
      const shuffled = Object.fromEntries(Object.entries(FULL_EVENT).reverse());
      const result = validateClickEvent(shuffled);
      expect(result).toEqual({
        ok: true,
        event: FULL_EVENT,
        eventTimeMs: Date.UTC(2024, 4, 1, 12, 0, 0, 123),
      });
      expect(result.ok && Object.keys(result.event)).toEqual(Object.keys(FULL_EVENT));
    });

    it('states the per-type required fields of the contract', () => {
      expect(REQUIRED_CLICK_EVENT_FIELDS_BY_TYPE).toEqual({
        page_view: ['page'],
        product_view: ['productId'],
        click: ['productId'],
        search: ['searchQuery'],
        add_to_cart: ['productId', 'quantity', 'price'],
        remove_from_cart: ['productId', 'quantity', 'price'],
        checkout_start: ['sessionId'],
        purchase: ['orderId', 'amount', 'currency'],
        payment_failed: ['orderId', 'amount', 'currency', 'paymentMethodId'],
      });
    });

    const alwaysRequiredCases = CLICK_EVENT_TYPES.flatMap((type) =>
      (['eventId', 'eventType', 'eventTime', 'userId'] as const).map((field) => [type, field] as const),
    );
    it.each(alwaysRequiredCases)('%s without %s is rejected', (type, field) => {
      const { [field]: _removed, ...event } = MINIMAL_EVENTS[type];
      const problems = problemsOf(event);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^${field}: expected .* \\(required\\), received nothing$`));
    });

    const typeRequiredCases = CLICK_EVENT_TYPES.flatMap((type) =>
      REQUIRED_CLICK_EVENT_FIELDS_BY_TYPE[type].map((field) => [type, field] as const),
    );
    it.each(typeRequiredCases)('%s without %s is rejected', (type, field) => {
      const { [field]: _removed, ...event } = MINIMAL_EVENTS[type];
      expect(problemsOf(event)).toEqual([
        expect.stringMatching(
          new RegExp(`^${field}: expected .* \\(required for eventType "${type}"\\), received nothing$`),
        ),
      ]);
    });

    it.each(typeRequiredCases)('%s with %s set to null is rejected', (type, field) => {
      expect(problemsOf({ ...MINIMAL_EVENTS[type], [field]: null })).toEqual([
        expect.stringMatching(new RegExp(`^${field}: expected .*, received null$`)),
      ]);
    });

    it('does not require sessionId except for checkout_start', () => {
      for (const type of CLICK_EVENT_TYPES) {
        expect('sessionId' in MINIMAL_EVENTS[type]).toBe(type === 'checkout_start');
      }
    });

    it('treats a null optional field as absent and leaves it out', () => {
      const result = validateClickEvent({ ...MINIMAL_EVENTS.click, sessionId: null, price: null });
      expect(result).toEqual({
        ok: true,
        event: MINIMAL_EVENTS.click,
        eventTimeMs: Date.parse(COMMON.eventTime),
      });
      expect(result.ok && 'sessionId' in result.event).toBe(false);
    });

    it('allows fields that the type does not require and still validates them', () => {
      expect(validateClickEvent({ ...MINIMAL_EVENTS.page_view, productId: 'p-9', price: 1 }).ok).toBe(true);
      expect(problemsOf({ ...MINIMAL_EVENTS.page_view, price: -1 })).toEqual([
        'price: expected a finite number from 0 to 1000000000, received the number -1',
      ]);
    });

    it('checks only the common fields when the event type is unknown', () => {
      expect(problemsOf({ ...COMMON, eventType: 'wishlist_add' })).toEqual([
        'eventType: expected one of "page_view", "product_view", "click", "search", "add_to_cart", ' +
          '"remove_from_cart", "checkout_start", "purchase", "payment_failed", received "wishlist_add"',
      ]);
    });

    it('reports every problem, in canonical field order', () => {
      expect(
        problemsOf({
          eventType: 'purchase',
          eventTime: 'yesterday',
          amount: '12',
          currency: 'eur',
          userId: 7,
        }),
      ).toEqual([
        expect.stringMatching(/^eventId: .*\(required\), received nothing$/),
        'eventTime: expected an ISO-8601 date-time with offset, received "yesterday"',
        expect.stringMatching(/^userId: expected a string .*, received the number 7$/),
        expect.stringMatching(/^orderId: .*\(required for eventType "purchase"\), received nothing$/),
        'amount: expected a finite number from 0 to 1000000000, received "12"',
        'currency: expected an ISO 4217 currency code of 3 upper-case letters, received "eur"',
      ]);
    });
  });

  describe('non-objects', () => {
    it.each([
      [null, 'null'],
      [undefined, 'nothing'],
      [[MINIMAL_EVENTS.click], 'an array of 1 items'],
      ['{"eventId":"e"}', '"{\\"eventId\\":\\"e\\"}"'],
      [42, 'the number 42'],
      [true, 'the boolean true'],
    ])('rejects %j', (value, received) => {
      expect(problemsOf(value)).toEqual([`event: expected a JSON object, received ${received}`]);
    });
  });

  describe('field names', () => {
    it.each([
      [
        'PascalCase',
        { EventId: 'e', EventType: 'click', EventTime: COMMON.eventTime, UserId: 'u', ProductId: 'p' },
      ],
      [
        'lower case',
        { eventid: 'e', eventtype: 'click', eventtime: COMMON.eventTime, userid: 'u', productid: 'p' },
      ],
      [
        'upper case',
        { EVENTID: 'e', EVENTTYPE: 'click', EVENTTIME: COMMON.eventTime, USERID: 'u', PRODUCTID: 'p' },
      ],
      [
        'mixed',
        { eVeNtId: 'e', eventType: 'click', EventTime: COMMON.eventTime, userID: 'u', productID: 'p' },
      ],
    ])('matches %s names without regard to case and returns canonical names', (_label, value) => {
      expect(validateClickEvent(value)).toEqual({
        ok: true,
        event: { eventId: 'e', eventType: 'click', eventTime: COMMON.eventTime, userId: 'u', productId: 'p' },
        eventTimeMs: Date.parse(COMMON.eventTime),
      });
    });

    it('names the received spelling in a problem', () => {
      expect(problemsOf({ ...MINIMAL_EVENTS.click, productId: undefined, ProductID: '' })).toEqual([
        expect.stringMatching(/^productId \(as "ProductID"\): expected a string of 1 to 128 characters/),
      ]);
    });

    it.each([
      ['eventType', 'EventType', 'click'],
      ['eventType', 'EVENTTYPE', 'purchase'],
      ['userId', 'userid', 'user-1'],
      ['productId', 'PRODUCTID', 'p-2'],
    ])('rejects %s given twice as %s, whatever the values', (canonical, other, otherValue) => {
      const problems = problemsOf({ ...MINIMAL_EVENTS.click, [other]: otherValue });
      expect(problems).toEqual([
        `${canonical}: expected a single field of that name (names are compared without regard to case), ` +
          `received 2 fields: "${canonical}", "${other}"`,
      ]);
    });

    it('does not apply type-specific requirements when eventType is given twice', () => {
      expect(problemsOf({ ...COMMON, eventType: 'purchase', EventType: 'click' })).toEqual([
        expect.stringMatching(/^eventType: expected a single field of that name/),
      ]);
    });

    it('rejects a field given three times and reports all spellings', () => {
      expect(problemsOf({ ...MINIMAL_EVENTS.click, UserId: 'a', USERID: 'b' })).toEqual([
        expect.stringMatching(/received 3 fields: "userId", "UserId", "USERID"$/),
      ]);
    });

    it('rejects unknown fields whose names differ only in case', () => {
      expect(problemsOf({ ...MINIMAL_EVENTS.click, Referrer: 'a', referrer: 'b' })).toEqual([
        'Referrer: expected a single field of that name (names are compared without regard to case), ' +
          'received 2 fields: "Referrer", "referrer"',
      ]);
    });

    it('keeps unknown fields under their original names after the contract fields', () => {
      const extras = {
        Referrer: 'https://example.com/',
        abTest: { variant: 'B' },
        score: null,
        tags: [1, 2],
      };
      const result = validateClickEvent({ ...extras, ...MINIMAL_EVENTS.click });
      expect(result).toEqual({
        ok: true,
        event: { ...MINIMAL_EVENTS.click, ...extras },
        eventTimeMs: Date.parse(COMMON.eventTime),
      });
      expect(result.ok && Object.keys(result.event)).toEqual([
        ...Object.keys(MINIMAL_EVENTS.click).sort(byCanonicalOrder),
        ...Object.keys(extras),
      ]);
    });

    it('keeps a "__proto__" field as data and does not change the prototype', () => {
      const parsed: unknown = JSON.parse(
        `{"__proto__":{"polluted":true},"eventId":"e","eventType":"click","eventTime":"${COMMON.eventTime}","userId":"u","productId":"p"}`,
      );
      const result = validateClickEvent(parsed);
      expect(result.ok).toBe(true);
      if (result.ok) {
        expect(Object.getPrototypeOf(result.event)).toBe(Object.prototype);
        expect(Object.getOwnPropertyDescriptor(result.event, '__proto__')?.value).toEqual({ polluted: true });
        expect((result.event as Record<string, unknown>).polluted).toBeUndefined();
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('does not mutate its argument', () => {
      const input = {
        EventId: 'e',
        eventType: 'click',
        eventTime: COMMON.eventTime,
        userId: 'u',
        productId: 'p',
        x: 1,
      };
      const copy = structuredClone(input);
      validateClickEvent(input);
      expect(input).toEqual(copy);
    });
  });

  describe('bounds', () => {
    const identifierFields = [
      'eventId',
      'userId',
      'sessionId',
      'productId',
      'orderId',
      'paymentMethodId',
    ] as const;
    const longest = 'a'.repeat(128);
    const astral = '\u{20000}'; // one character, two UTF-16 code units

    type BoundCase = readonly [field: ClickEventFieldName, value: unknown, valid: boolean];
    const cases: BoundCase[] = [
      ...identifierFields.flatMap((field): BoundCase[] => [
        [field, 'a', true],
        [field, longest, true],
        [field, `${longest}a`, false],
        [field, '', false],
        [field, ' ', false],
        [field, ' a', false],
        [field, 'a ', false],
        [field, 'a\u00a0', false],
        [field, 'a b', true],
        [field, 'a\u0000', false],
        [field, 'a\tb', false],
        [field, 'a\nb', false],
        [field, 'a\u007f', false],
        [field, 'a\u0085', false],
        [field, 'a\u009f', false],
        [field, '\ud800', false],
        [field, 'a\udc00b', false],
        [field, `a${astral}`, true],
        [field, 'x'.repeat(127) + astral, false], // 129 code units
        [field, 42, false],
        [field, true, false],
        [field, ['a'], false],
        [field, { id: 'a' }, false],
      ]),
      ...(['price', 'amount'] as const).flatMap((field): BoundCase[] => [
        [field, 0, true],
        [field, 0.01, true],
        [field, 1e9, true],
        [field, 1e9 + 0.01, false],
        [field, -0.01, false],
        [field, Number.NaN, false],
        [field, Number.POSITIVE_INFINITY, false],
        [field, '9.99', false],
        [field, null, true], // absent
      ]),
      ['quantity', 1, true],
      ['quantity', 10_000, true],
      ['quantity', 0, false],
      ['quantity', 10_001, false],
      ['quantity', -1, false],
      ['quantity', 1.5, false],
      ['quantity', '2', false],
      ['currency', 'EUR', true],
      ['currency', 'JPY', true],
      ['currency', 'eur', false],
      ['currency', 'EU', false],
      ['currency', 'EURO', false],
      ['currency', 'E1R', false],
      ['currency', '\u00c9UR', false],
      ['country', 'DE', true],
      ['country', 'de', false],
      ['country', 'DEU', false],
      ['country', 'D', false],
      ...CLICK_DEVICES.map((device): BoundCase => ['device', device, true]),
      ['device', 'Mobile', false],
      ['device', 'phone', false],
      ['device', '', false],
      ['eventType', 'Click', false],
      ['eventType', 'CLICK', false],
      ['eventType', ' click', false],
      ['eventTime', '2024-05-01T12:00:00+05:30', true],
      ['eventTime', '2024-05-01T12:00:00', false],
      ['eventTime', '2023-02-29T12:00:00Z', false],
      ['eventTime', 1_714_564_800_000, false],
      ['category', 'a'.repeat(128), true],
      ['category', 'a'.repeat(129), false],
      ['category', 'home & garden', true],
      ['category', '  ', false],
      ['searchQuery', 'a'.repeat(512), true],
      ['searchQuery', 'a'.repeat(513), false],
      ['searchQuery', ' red shoes ', true],
      ['searchQuery', '   ', false],
      ['searchQuery', 'red\tshoes', false],
      ['page', 'a'.repeat(2048), true],
      ['page', 'a'.repeat(2049), false],
      ['page', 'https://shop.example/p?q=1', true],
      ['page', '/a\r\n', false],
    ];

    it.each(cases)('%s = %j is valid: %s', (field, value, valid) => {
      const problems = problemsOf({ ...MINIMAL_EVENTS.click, [field]: value });
      if (valid) {
        expect(problems).toEqual([]);
      } else {
        expect(problems).toEqual([expect.stringMatching(new RegExp(`^${field}: expected .+, received .+$`))]);
      }
    });

    it('words a bad eventTime as in the contract documentation', () => {
      expect(problemsOf({ ...MINIMAL_EVENTS.click, eventTime: '2021-13-01' })).toEqual([
        'eventTime: expected an ISO-8601 date-time with offset, received "2021-13-01"',
      ]);
    });

    it('shortens long received strings and escapes control characters', () => {
      expect(problemsOf({ ...MINIMAL_EVENTS.click, userId: `${'u'.repeat(200)}` })).toEqual([
        expect.stringMatching(new RegExp(`received "${'u'.repeat(64)}"\\.\\.\\. \\(200 characters\\)$`)),
      ]);
      expect(problemsOf({ ...MINIMAL_EVENTS.click, userId: 'a\u0000' })).toEqual([
        expect.stringMatching(/received "a\\u0000"$/),
      ]);
    });
  });
});

function byCanonicalOrder(a: string, b: string): number {
  const order = ['eventId', 'eventType', 'eventTime', 'userId', 'productId'];
  return order.indexOf(a) - order.indexOf(b);
}
