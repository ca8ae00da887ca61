import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { Db, Migration } from '../store/db.js';
import type { TransferTable } from '../transfer/table.js';
import type { PageTokens } from '../twilio/paging.js';
import type { EndUserTypeCatalogue } from './end-user-types/catalogue.js';

/** What every resource gets from the app: storage, paging tokens, configuration, catalogues. */
export interface ResourceContext {
  db: Db;
  tokens: PageTokens;
  config: Config;
  /** Loaded once at start from the built-in catalogue and END_USER_TYPES_FILE. */
  endUserTypes: EndUserTypeCatalogue;
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
