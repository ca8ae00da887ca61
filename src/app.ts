import Fastify from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { randomBytes } from 'node:crypto';
import { Accounts } from './accounts/accounts.js';
import type { Config } from './config.js';
import { guardedServerOptions, registerHttpGuards } from './http-guards.js';
import { registerMetrics } from './metrics.js';
import { loadEndUserTypes } from './resources/end-user-types/load.js';
import { resources } from './resources/index.js';
import type { Db } from './store/db.js';
import { Authenticator } from './twilio/auth.js';
import { registerErrorHandling } from './twilio/error-handler.js';
import { parseQuery, registerFormParsing } from './twilio/form.js';
import { accountLimit, clientOf } from './twilio/limits.js';
import { PageTokens } from './twilio/paging.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated account; every resource query is scoped by it. */
    accountSid: string;
  }
}

export const API_PREFIX = '/v2/RegulatoryCompliance';

/** Log levels at which Fastify logs every request (with its own child logger). */
const REQUEST_LEVELS = new Set(['info', 'debug', 'trace']);

export interface AppOptions {
  config: Config;
  db: Db;
  logger?: FastifyServerOptions['logger'];
}

/** Builds the whole HTTP app on an open, migrated database. No port is opened here. */
export async function buildApp({ config, db, logger = false }: AppOptions): Promise<FastifyInstance> {
  // First: a bad catalogue file stops start-up (CatalogueError) before anything else is built.
  const endUserTypes = loadEndUserTypes(config.endUserTypesFile);
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
  registerHttpGuards(app, config);
  registerFormParsing(app);
  registerErrorHandling(app);
  if (config.metrics) registerMetrics(app);

  const tokens = new PageTokens(await pageTokenSecret(db));
  const authenticator = new Authenticator(new Accounts(db), config.credentialCacheMs, {
    failuresPerMinute: config.authFailureLimit,
    queueLimit: config.authQueueLimit,
  });
  const limitAccount = accountLimit(config.accountRateLimit);
  app.decorate('authenticator', authenticator);
  app.decorateRequest('accountSid', '');

  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await db.ping();
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'database unavailable' });
    }
  });

  await app.register(
    (api, _options, done) => {
      api.addHook('onRequest', async (request) => {
        request.accountSid = await authenticator.authenticate(request.headers.authorization, clientOf(request));
        limitAccount(request.accountSid);
      });
      for (const resource of resources) resource.register(api, { db, tokens, config, endUserTypes });
      done();
    },
    { prefix: API_PREFIX },
  );
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    authenticator: Authenticator;
  }
}

/**
 * The key that signs page tokens, shared through the database so that a token minted by one
 * instance is honoured by every other.
 */
async function pageTokenSecret(db: Db): Promise<Buffer> {
  await db.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING', [
    'page_token_secret',
    randomBytes(32).toString('base64url'),
  ]);
  const row = await db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', ['page_token_secret']);
  return Buffer.from(row!.value, 'base64url');
}
