/**
 * Thresholds of the fraud and behaviour rules. Per-user rules run inside the `userActivity` entity;
 * per-product, per-payment-method and site-wide rules run in the keyed evaluators (see `keyed/`).
 * Every number is validated by {@link parseRuleConfig}; the defaults are tuned on the simulator's
 * traffic (`npm run eval:incidents`).
 */
export interface UserRuleConfig {
  /** Purchase amount far above the user's baseline (EW mean and variance of ln(1 + amount)). */
  readonly amountSpike: {
    /** Amount at least this many times the baseline's typical amount. */
    readonly ratio: number;
    /** And at least this many standard deviations above the mean of ln(1 + amount). */
    readonly zScore: number;
    /** Purchases the baseline needs before it is trusted. */
    readonly warmupPurchases: number;
    /** Weight of a new purchase in the baseline, in (0, 1]. */
    readonly alpha: number;
  };
  /** N payment attempts (purchases and failures) or N failures within a sliding window. */
  readonly velocity: {
    readonly windowSeconds: number;
    readonly attempts: number;
    readonly failures: number;
  };
  /** Many distinct payment methods within a sliding window. */
  readonly paymentMethods: {
    readonly windowSeconds: number;
    readonly distinct: number;
  };
  /** Browsing events (page views, product views, clicks, searches) per minute typical of a bot. */
  readonly botClickRate: {
    readonly eventsPerMinute: number;
  };
  /** The baseline of the user's events per active minute (profile and evidence). */
  readonly activity: {
    /** Weight of a new minute in the baseline, in (0, 1]. */
    readonly alpha: number;
    /** Active minutes the baseline needs before it is trusted. */
    readonly warmupMinutes: number;
  };
  /** A rule that fired for a user stays quiet for that user this long, in seconds. */
  readonly cooldownSeconds: number;
}

/** Thresholds of the per-product, per-payment-method and site-wide rules. */
export interface KeyedRuleConfig {
  /** Tumbling window of the product and site counts, in seconds. */
  readonly windowSeconds: number;
  /** A window closes when its key has seen an event this long after the window's end, in seconds. */
  readonly latenessSeconds: number;
  /** Weight of a closed window in the baselines, in (0, 1]. */
  readonly alpha: number;
  /** Closed windows a baseline needs before it is trusted. */
  readonly warmupWindows: number;
  /**
   * A popular product whose add-to-carts (purchase intent; purchases carry no productId) stop while it is
   * still viewed: the add-to-carts its views would have brought (views times its usual add-to-cart rate)
   * add up to `minMissed` over at least `windows` windows in a row without one (Poisson: e^-minMissed).
   */
  readonly purchasesStopped: {
    readonly minMissed: number;
    readonly windows: number;
  };
  /** Removals from the cart of one product far above its baseline. */
  readonly productAbandonment: {
    readonly minRemovals: number;
    readonly zScore: number;
  };
  /** Site-wide: paying steps (checkouts, purchases, failed payments) per add-to-cart far below the baseline. */
  readonly siteAbandonment: {
    /** Closed windows judged together (a sliding sum). */
    readonly windows: number;
    /** Windows whose median rate is the usual rate (72: six hours of 5-minute windows). */
    readonly baselineWindows: number;
    /** Observed checkouts at most this fraction of the expected. */
    readonly maxFractionOfExpected: number;
    /** And at least this many Poisson standard deviations below the expected. */
    readonly zScore: number;
    /** Expected paying steps in the judged windows needed to judge them. */
    readonly minExpected: number;
  };
  /** A product's price in a currency far from its usual price. */
  readonly priceAnomaly: {
    /** Below usual / factor or above usual * factor. */
    readonly factor: number;
    /** Prices seen before the usual price is trusted. */
    readonly warmupSamples: number;
  };
  /** One payment method used by several users within a sliding window. */
  readonly sharedPaymentMethod: {
    readonly windowSeconds: number;
    readonly distinctUsers: number;
  };
  /** A rule that fired for a key stays quiet for that key this long, in seconds. */
  readonly cooldownSeconds: number;
}

export interface RuleConfig {
  readonly user: UserRuleConfig;
  readonly keyed: KeyedRuleConfig;
}

export const DEFAULT_RULE_CONFIG: RuleConfig = {
  user: {
    amountSpike: { ratio: 5, zScore: 3, warmupPurchases: 5, alpha: 0.2 },
    velocity: { windowSeconds: 300, attempts: 8, failures: 5 },
    paymentMethods: { windowSeconds: 600, distinct: 4 },
    botClickRate: { eventsPerMinute: 20 },
    activity: { alpha: 0.1, warmupMinutes: 10 },
    cooldownSeconds: 600,
  },
  keyed: {
    windowSeconds: 300,
    latenessSeconds: 60,
    alpha: 0.1,
    warmupWindows: 12,
    purchasesStopped: { minMissed: 10, windows: 2 },
    productAbandonment: { minRemovals: 6, zScore: 4 },
    siteAbandonment: {
      windows: 3,
      baselineWindows: 72,
      maxFractionOfExpected: 0.5,
      zScore: 4,
      minExpected: 10,
    },
    priceAnomaly: { factor: 5, warmupSamples: 5 },
    sharedPaymentMethod: { windowSeconds: 600, distinctUsers: 3 },
    cooldownSeconds: 900,
  },
};

/** The kind of number a setting takes, and its inclusive range. */
interface NumberSpec {
  readonly integer: boolean;
  readonly min: number;
  readonly max: number;
  /** The minimum itself is not allowed. */
  readonly minExclusive?: boolean;
}

const count = (max: number): NumberSpec => ({ integer: true, min: 1, max });
const positive = (max: number): NumberSpec => ({ integer: false, min: 0, max, minExclusive: true });
const weight: NumberSpec = { integer: false, min: 0, max: 1, minExclusive: true };
const seconds: NumberSpec = { integer: true, min: 1, max: 86_400 };
const fraction: NumberSpec = { integer: false, min: 0, max: 1 };

/** The spec of every number, shaped like the config. */
const SPEC = {
  user: {
    amountSpike: { ratio: positive(1e6), zScore: positive(100), warmupPurchases: count(1000), alpha: weight },
    velocity: { windowSeconds: seconds, attempts: count(10_000), failures: count(10_000) },
    paymentMethods: { windowSeconds: seconds, distinct: { integer: true, min: 2, max: 64 } },
    botClickRate: { eventsPerMinute: count(1_000_000) },
    activity: { alpha: weight, warmupMinutes: count(100_000) },
    cooldownSeconds: { integer: true, min: 0, max: 86_400 },
  },
  keyed: {
    windowSeconds: { integer: true, min: 10, max: 86_400 },
    latenessSeconds: { integer: true, min: 0, max: 3_600 },
    alpha: weight,
    warmupWindows: count(100_000),
    purchasesStopped: { minMissed: positive(1e9), windows: count(1000) },
    productAbandonment: { minRemovals: count(1e9), zScore: positive(100) },
    siteAbandonment: {
      windows: count(288),
      baselineWindows: count(1000),
      maxFractionOfExpected: fraction,
      zScore: positive(100),
      minExpected: positive(1e9),
    },
    priceAnomaly: {
      factor: { integer: false, min: 1, max: 1e6, minExclusive: true },
      warmupSamples: count(1e6),
    },
    sharedPaymentMethod: { windowSeconds: seconds, distinctUsers: { integer: true, min: 2, max: 64 } },
    cooldownSeconds: { integer: true, min: 0, max: 86_400 },
  },
} as const;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const isSpec = (v: unknown): v is NumberSpec => isRecord(v) && typeof v.integer === 'boolean';

function describe(spec: NumberSpec): string {
  const kind = spec.integer ? 'an integer' : 'a number';
  return spec.minExclusive
    ? `${kind} above ${spec.min} up to ${spec.max}`
    : `${kind} in ${spec.min}..${spec.max}`;
}

function merge(
  spec: Record<string, unknown>,
  base: Record<string, unknown>,
  override: unknown,
  path: string,
  problems: string[],
): Record<string, unknown> {
  if (!isRecord(override)) {
    problems.push(
      `${path}: expected an object, received ${Array.isArray(override) ? 'an array' : typeof override}`,
    );
    return base;
  }
  const out: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(override)) {
    const where = `${path}.${name}`;
    if (!Object.hasOwn(spec, name)) {
      problems.push(`${where}: expected one of ${Object.keys(spec).join(', ')}, received an unknown setting`);
      continue;
    }
    const s = spec[name];
    if (isSpec(s)) {
      const ok =
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (!s.integer || Number.isInteger(value)) &&
        (s.minExclusive ? value > s.min : value >= s.min) &&
        value <= s.max;
      if (ok) out[name] = value;
      else problems.push(`${where}: expected ${describe(s)}, received ${JSON.stringify(value)}`);
    } else {
      out[name] = merge(
        s as Record<string, unknown>,
        base[name] as Record<string, unknown>,
        value,
        where,
        problems,
      );
    }
  }
  return out;
}

/**
 * The rule config: the defaults with `overrides` (partial, nested like {@link RuleConfig}, e.g.
 * `{"user":{"velocity":{"failures":3}}}`) applied. Returns every problem instead of throwing, so that
 * app settings can report them together.
 */
export function parseRuleConfig(
  overrides: unknown,
  path = 'rules',
): {
  readonly config: RuleConfig;
  readonly problems: readonly string[];
} {
  const problems: string[] = [];
  const config = merge(
    SPEC,
    DEFAULT_RULE_CONFIG as unknown as Record<string, unknown>,
    overrides,
    path,
    problems,
  ) as unknown as RuleConfig;
  return { config: problems.length === 0 ? config : DEFAULT_RULE_CONFIG, problems };
}
