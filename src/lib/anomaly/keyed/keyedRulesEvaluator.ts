import { mapWithConcurrency } from '../../adapters/blobs/mapWithConcurrency';
import type { DocumentStore } from '../../entities/documentStore';
import { SerialDocumentUpdater } from '../../entities/serialDocumentUpdater';
import type { AnomalyEvent } from '../anomalyEvent';
import type { AnomalySink } from '../anomalySink';
import type { KeyedRuleConfig } from '../ruleConfig';
import { readFunnelState, reduceFunnel, type KeyedOutcome } from './funnelRules';
import { KEYED_SCOPES, SITE_KEY, type KeyedInput } from './keyedInput';
import { readPaymentMethodState, reducePaymentMethod } from './paymentMethodRules';

/** One batch's events grouped per product and per payment method, and all of them for the site. */
export interface KeyedBatch {
  readonly products: ReadonlyMap<string, KeyedInput>;
  readonly paymentMethods: ReadonlyMap<string, KeyedInput>;
  readonly site: KeyedInput | undefined;
}

export interface KeyedRulesEvaluatorOptions {
  /** Where the per-key state lives (Table Storage; memory in tests and the evaluation). */
  readonly store: DocumentStore;
  readonly rules: KeyedRuleConfig;
  readonly sink: AnomalySink;
  /** Keys updated at once. Default 16. */
  readonly concurrency?: number;
  /** Key states cached in memory. Default 10,000. */
  readonly cacheSize?: number;
}

export interface KeyedBatchResult {
  readonly keysUpdated: number;
  readonly anomalies: readonly AnomalyEvent[];
}

/**
 * The per-product, per-payment-method and site-wide rules, fed once per batch. Not entities: a batch
 * touches many products, and the site state every batch, which would swamp entity throughput; instead
 * each key's state is a Table row, updated read-modify-write with etags, one update per key at a time
 * in this process. Anomalies are handed to the sink before the key's state is written, so a failed
 * write (and the batch's retry) repeats them rather than losing them; the anomaly store dedupes.
 */
export class KeyedRulesEvaluator {
  private readonly updater: SerialDocumentUpdater;
  private readonly rules: KeyedRuleConfig;
  private readonly sink: AnomalySink;
  private readonly concurrency: number;

  constructor(options: KeyedRulesEvaluatorOptions) {
    this.updater = new SerialDocumentUpdater({
      store: options.store,
      ...(options.cacheSize === undefined ? {} : { cacheSize: options.cacheSize }),
    });
    this.rules = options.rules;
    this.sink = options.sink;
    this.concurrency = options.concurrency ?? 16;
  }

  async apply(batch: KeyedBatch): Promise<KeyedBatchResult> {
    const rules = this.rules;
    const jobs: (() => Promise<readonly AnomalyEvent[]>)[] = [];
    for (const [key, input] of batch.products) {
      jobs.push(() =>
        this.update(KEYED_SCOPES.product, key, (text) =>
          reduceFunnel(readFunnelState(parse(text)), input, { kind: 'product', key, rules }),
        ),
      );
    }
    for (const [key, input] of batch.paymentMethods) {
      jobs.push(() =>
        this.update(KEYED_SCOPES.paymentMethod, key, (text) =>
          reducePaymentMethod(readPaymentMethodState(parse(text)), input, { key, rules }),
        ),
      );
    }
    const site = batch.site;
    if (site !== undefined) {
      jobs.push(() =>
        this.update(KEYED_SCOPES.site, SITE_KEY, (text) =>
          reduceFunnel(readFunnelState(parse(text)), site, { kind: 'site', key: SITE_KEY, rules }),
        ),
      );
    }
    const anomalies: AnomalyEvent[] = [];
    await mapWithConcurrency(jobs, this.concurrency, async (job) => void anomalies.push(...(await job())));
    return { keysUpdated: jobs.length, anomalies };
  }

  /** The stored state of a key (tests, diagnostics). */
  async state(scope: string, key: string): Promise<unknown> {
    return parse(await this.updater.read(scope, key));
  }

  private update<S>(
    scope: string,
    key: string,
    reduce: (text: string | undefined) => KeyedOutcome<S>,
  ): Promise<readonly AnomalyEvent[]> {
    return this.updater.update(scope, key, async (text) => {
      const outcome = reduce(text);
      if (!outcome.changed) return { text: undefined, result: [] };
      if (outcome.effects.length > 0) await this.sink.handle(outcome.effects);
      return { text: JSON.stringify(outcome.state), result: outcome.effects };
    });
  }
}

const parse = (text: string | undefined): unknown =>
  text === undefined ? undefined : (JSON.parse(text) as unknown);
