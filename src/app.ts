import Fastify from 'fastify';
import type { FastifyInstance, FastifyRequest, FastifyServerOptions } from 'fastify';
import { randomBytes } from 'node:crypto';
import { Accounts } from './accounts/accounts.js';
import type { Config } from './config.js';
import { registerCors } from './cors.js';
import { guardedServerOptions, registerHttpGuards } from './http-guards.js';
import { registerMetrics } from './metrics.js';
import { registerReference } from './reference/index.js';
import type { Background } from './lifecycle/background.js';
import { registerBackground } from './lifecycle/background.js';
import { registerClockRoutes } from './control/clock.js';
import { registerConsole } from './console/static.js';
import { registerConsoleQueries } from './control/console-queries.js';
import { CONTROL_PREFIX, registerControlRoutes } from './control/routes.js';
import { registerWipeRoutes } from './control/wipe.js';
import type { DeterministicRun } from './determinism/run.js';
import { startDeterministicRun } from './determinism/run.js';
import { registerFaultRoutes } from './control/faults.js';
import { registerFaults } from './faults/index.js';
import { loadCatalogues } from './resources/catalogues.js';
import { evaluationJudge } from './resources/evaluations/evaluate-bundle.js';
import { resources } from './resources/index.js';
import type { Db } from './store/db.js';
import { listedTables } from './store/migrations.js';
import type { PageCache } from './list-cache/index.js';
import { forgetPagesOnWrite, openListPages } from './list-cache/index.js';
import { StorageHealth } from './store/storage-full.js';
import { Authenticator } from './twilio/auth.js';
import { registerErrorHandling } from './twilio/error-handler.js';
import { twilioDate } from './twilio/dates.js';
import { parseQuery, registerFormParsing } from './twilio/form.js';
import { accountLimit, clientOf } from './twilio/limits.js';
import { concurrentReadLimit } from './twilio/concurrent-reads.js';
import { PageTokens } from './twilio/paging.js';
import { API_PREFIX, originOf } from './twilio/urls.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated account; every resource query is scoped by it. */
    accountSid: string;
  }
}

/** Log levels at which Fastify logs every request (with its own child logger). */
const REQUEST_LEVELS = new Set(['info', 'debug', 'trace']);

export interface AppOptions {
  config: Config;
  db: Db;
  logger?: FastifyServerOptions['logger'];
  /** The clock (epoch ms) every resource and the review lifecycle read; tests drive it. A deterministic run (config.deterministic) brings its own. */
  clock?: () => number;
}

/** Builds the whole HTTP app on an open, migrated database. No port is opened here. */
export async function buildApp({ config, db, logger = false, clock: givenClock = Date.now }: AppOptions): Promise<FastifyInstance> {
  // First: a bad catalogue file stops start-up (CatalogueError) before anything else is built.
  const catalogues = loadCatalogues(config);
  const app = Fastify({
    logger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    ...guardedServerOptions(config),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200, querystringParser: parseQuery },
    // Below info no line is about a request but a failure's, which names its request itself:
    // skip the child logger Fastify would otherwise build for every request.
    childLoggerFactory: (parent, bindings, options) => (REQUEST_LEVELS.has(parent.level) ? parent.child(bindings, options) : parent),
  });
  // First, so that every answer carries its CORS headers, refusals included.
  registerCors(app, config.corsOrigins);
  registerHttpGuards(app, config);
  registerFormParsing(app);
  const storage = new StorageHealth();
  registerErrorHandling(app, { onStorageFull: () => storage.markFull() });
  await registerReference(app, config); // first: it documents the routes registered after it
  const pages = await openListPages(db, listedTables(), { maxBytes: config.listCacheBytes, ttlMs: config.listCacheTtlMs });
  if (pages) {
    app.addHook('onClose', (_app, done) => {
      pages.cache.close();
      done();
    });
  }
  if (config.metrics) registerMetrics(app, pages?.cache);

  // Before anything draws a SID: a deterministic run installs its seeded stream.
  const deterministic = config.deterministic && (await startDeterministicRun(db, config.deterministic));
  if (deterministic) {
    app.addHook('onClose', (_app, done) => {
      deterministic.stop();
      done();
    });
  }
  const clock = deterministic ? deterministic.clock.now : givenClock;
  const tokens = new PageTokens(deterministic ? deterministic.pageTokenSecret : await pageTokenSecret(db));
  const now = () => twilioDate(new Date(clock()));
  const background = registerBackground(app, db, config, clock, evaluationJudge(catalogues));
  const authenticator = new Authenticator(new Accounts(db), config.credentialCacheMs, {
    failuresPerMinute: config.authFailureLimit,
    queueLimit: config.authQueueLimit,
  });
  const limitAccount = accountLimit(config.accountRateLimit);
  const faults = registerFaults(app, db, config);
  const limitReads = concurrentReadLimit(config.accountConcurrentReads);
  app.decorateRequest('accountSid', '');

  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await db.ping();
      if (!(await storage.writable(db))) return reply.code(503).send({ status: 'storage full' });
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'database unavailable' });
    }
  });

  const origin = (request: FastifyRequest) => originOf(request, config.publicBaseUrl);
  /** Both the Twilio API and regcomp's control API take Twilio's credentials. */
  const authenticated = (register: (scope: FastifyInstance) => void) => (scope: FastifyInstance, _options: unknown, done: () => void) => {
    scope.addHook('onRequest', async (request, reply) => {
      request.accountSid = await authenticator.authenticate(request.headers.authorization, clientOf(request));
      limitAccount(request.accountSid);
      limitReads(request.accountSid, request, reply);
    });
    // The pages of an account this instance writes to go at once (with what they hold of it).
    if (pages) scope.addHook('onResponse', forgetPagesOnWrite(pages.cache));
    register(scope);
    done();
  };
  const context = { db, tokens, config, catalogues, now, origin, reviews: background.reviews, pages };
  await app.register(
    authenticated((api) => {
      faults.inject(api);
      for (const resource of resources) resource.register(api, context);
    }),
    { prefix: API_PREFIX },
  );
  await app.register(
    authenticated((control) => {
      registerControlRoutes(control, { db, config, background, clock, origin });
      registerClockRoutes(control, { db, deterministic, runDue: () => background.runNow() });
      registerWipeRoutes(control, { db });
      registerFaultRoutes(control, faults, origin);
      registerConsoleQueries(control, { db, tokens });
    }),
    { prefix: CONTROL_PREFIX },
  );
  await registerConsole(app);
  app.decorate('background', background);
  app.decorate('listCache', pages?.cache);
  app.decorate('deterministicRun', deterministic);
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The review lifecycle and callback delivery of this instance. */
    background: Background;
    /** This instance's rendered list pages; undefined when LIST_CACHE_BYTES is 0. */
    listCache: PageCache | undefined;
    /** This app's deterministic run, announced at start-up; undefined when the mode is off. */
    deterministicRun: DeterministicRun | undefined;
  }
}

/**
 * The key that signs page tokens, shared through the database so that a token minted by one
 * instance is honoured by every other.
 */
async function pageTokenSecret(db: Db): Promise<Buffer> {
  // Read first: a start on a store that has one writes nothing (a full disk must not stop it).
  const stored = await db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', ['page_token_secret']);
  if (stored) return Buffer.from(stored.value, 'base64url');
  await db.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING', [
    'page_token_secret',
    randomBytes(32).toString('base64url'),
  ]);
  const row = await db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', ['page_token_secret']);
  return Buffer.from(row!.value, 'base64url');
}
