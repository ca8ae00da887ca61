import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { Db, Migration } from '../store/db.js';
import type { TransferTable } from '../transfer/table.js';
import type { PageTokens } from '../twilio/paging.js';

/** What every resource gets from the app: storage, paging tokens, configuration. */
export interface ResourceContext {
  db: Db;
  tokens: PageTokens;
  config: Config;
}

/**
 * One API resource: its tables and its routes. Routes are registered inside the
 * authenticated `/v2/RegulatoryCompliance` scope, so `request.accountSid` is always set.
 */
export interface Resource {
  name: string;
  migrations: readonly Migration[];
  /** Its tables as `regcomp export` writes and `regcomp import` reads them, parents first. */
  transfer: readonly TransferTable[];
  register(app: FastifyInstance, context: ResourceContext): void;
}
