import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { Ticker } from '../lifecycle/ticker.js';
import type { Db } from '../store/db.js';
import { FaultedAccounts } from './cache.js';
import { faultInjector } from './inject.js';
import { FaultStore } from './store.js';

/** One instance's fault injection: the rules' store, its cache of faulted accounts, the hook. */
export interface Faults {
  store: FaultStore;
  /** Re-reads which accounts have faults (after a change; tests of other instances). */
  refresh(): Promise<void>;
  /** Adds the injecting hook to a scope: the `/v2` API's, after authentication. */
  inject(scope: FastifyInstance): void;
}

/** Built with the app; the cache is read at `onReady` and kept fresh until `onClose`. */
export function registerFaults(app: FastifyInstance, db: Db, config: Config): Faults {
  const store = new FaultStore(db);
  const faulted = new FaultedAccounts(store);
  const ticker = new Ticker('fault cache', config.faultsRefreshMs, () => faulted.refresh(), app.log);
  const shutdown = new AbortController();
  app.addHook('onReady', async () => {
    await ticker.runNow(); // a failure is logged; the next tick tries again
    ticker.start();
  });
  app.addHook('preClose', (done) => {
    shutdown.abort();
    done();
  });
  app.addHook('onClose', () => ticker.stop());
  const faults: Faults = {
    store,
    refresh: () => faulted.refresh(),
    inject: (scope) => scope.addHook('onRequest', faultInjector(store, faulted, shutdown.signal)),
  };
  app.decorate('faults', faults);
  return faults;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Fault injection of this instance (see src/faults/). */
    faults: Faults;
  }
}
