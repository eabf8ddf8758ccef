import type { InvocationContext } from '@azure/functions';
import type { StorageConnection, OpenStorageOptions } from '../adapters/storage/openStorage';
import { TableAnomalyStore } from '../adapters/tables/tableAnomalyStore';
import { openTable, TableEntityStore } from '../adapters/tables/tableEntityStore';
import type { AppSettings } from '../config/appSettings';
import type { DocumentStore } from '../entities/documentStore';
import { durableEntityClient } from '../entities/durableEntities';
import type { EntitySignaller, EntityStateReader } from '../entities/entityPorts';
import { LocalEntityExecutor } from '../entities/localEntityExecutor';
import { createUserActivityEntity } from '../entities/userActivity/entityHandler';
import { USER_ACTIVITY_ENTITY } from '../entities/userActivity/operations';
import type { AlertPort, AnomalyStore } from '../ports/anomalyStore';
import { ActivityObserver } from './activityObserver';
import { anomalySink, logAlertPort, type AnomalySink } from './anomalySink';
import { KeyedRulesEvaluator } from './keyed/keyedRulesEvaluator';
import type { RuleConfig } from './ruleConfig';

/**
 * Who runs the `userActivity` entities: the Durable Functions runtime (Azure, `func start`; the ingest
 * function signals through its Durable client input) or the local executor in this process (`npm start`,
 * tests), with entity state in Table Storage.
 */
export type UserActivityMode = 'durable' | 'local';

/** What the composition root chooses. */
export interface UserActivityAppOptions {
  readonly mode: UserActivityMode;
  /** Where new anomalies go. Default: one log line each on stdout. */
  readonly alerts?: AlertPort;
  /** Also writes one line per new anomaly here (the local runtime's terminal), before `alerts`. */
  readonly echo?: (line: string) => void;
}

export interface UserActivityWiringOptions extends UserActivityAppOptions {
  readonly settings: AppSettings;
  readonly connection: StorageConnection;
  readonly retryOptions?: OpenStorageOptions['retryOptions'];
  /** Overrides the Table stores (tests, the evaluation). */
  readonly stores?: { readonly anomalies: AnomalyStore; readonly documents: DocumentStore };
}

/** Everything user activity and the fraud rules add to the app. */
export interface UserActivityWiring {
  readonly mode: UserActivityMode;
  readonly rules: RuleConfig;
  readonly anomalies: AnomalyStore;
  /** Records anomalies and alerts on the new ones (the Durable entity function uses it too). */
  readonly sink: AnomalySink;
  readonly observer: ActivityObserver;
  readonly keyed: KeyedRulesEvaluator;
  /** The in-process entity runner (mode 'local'), undefined under Durable Functions. */
  readonly executor: LocalEntityExecutor | undefined;
  /** Reads entity state for the profile endpoint: the Durable client, or the local executor. */
  stateReader(context: InvocationContext): EntityStateReader;
}

const stdoutLine = (line: string): void => void process.stdout.write(`${line}\n`);

/** Builds the anomaly store, the sink, the keyed rules, the entity runner and the batch observer. */
export async function createUserActivityWiring(
  options: UserActivityWiringOptions,
): Promise<UserActivityWiring> {
  const { settings } = options;
  const tableOptions = (tableName: string) => ({
    connection: options.connection,
    tableName,
    ...(options.retryOptions ? { retryOptions: options.retryOptions } : {}),
  });
  const stores = options.stores ?? {
    anomalies: new TableAnomalyStore({ client: await openTable(tableOptions(settings.anomalyTableName)) }),
    documents: new TableEntityStore({ client: await openTable(tableOptions(settings.entityTableName)) }),
  };
  const rules = settings.anomalyRules;
  const alerts = options.alerts ?? logAlertPort(stdoutLine);
  const echo = options.echo ? logAlertPort(options.echo) : undefined;
  const sink = anomalySink({
    store: stores.anomalies,
    alerts: echo
      ? {
          async deliver(events) {
            await echo.deliver(events);
            await alerts.deliver(events);
          },
        }
      : alerts,
  });
  const keyed = new KeyedRulesEvaluator({ store: stores.documents, rules: rules.keyed, sink });
  let executor: LocalEntityExecutor | undefined;
  let signaller: (context: InvocationContext) => EntitySignaller & EntityStateReader;
  if (options.mode === 'local') {
    const local = new LocalEntityExecutor({
      store: stores.documents,
      entities: {
        [USER_ACTIVITY_ENTITY]: createUserActivityEntity({
          dependencies: () => Promise.resolve({ rules: rules.user, sink }),
        }),
      },
      logHandler: (level, ...args) => {
        if (level === 'error' || level === 'warning') console.error(JSON.stringify(args));
      },
    });
    executor = local;
    signaller = () => local;
  } else {
    signaller = durableEntityClient;
  }
  return {
    mode: options.mode,
    rules,
    anomalies: stores.anomalies,
    sink,
    keyed,
    observer: new ActivityObserver({ signaller, keyed }),
    executor,
    stateReader: signaller,
  };
}
