import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { ListPages } from '../list-cache/index.js';
import type { Reviews } from '../lifecycle/review.js';
import type { KeysetTable } from '../store/keyset.js';
import type { Db, Migration } from '../store/db.js';
import type { TransferTable } from '../transfer/table.js';
import type { PageTokens } from '../twilio/paging.js';
import type { Catalogues } from './catalogues.js';

/** What every resource gets from the app. Names no resource: each takes what it needs. */
export interface ResourceContext {
  db: Db;
  tokens: PageTokens;
  config: Config;
  catalogues: Catalogues;
  /** The current time as Twilio writes it; tests drive it. */
  now: () => string;
  /** The origin every URL in an answer to `request` uses. */
  origin: (request: FastifyRequest) => string;
  /** The review lifecycle: status changes with their scheduled steps and callbacks. */
  reviews: Reviews;
  /** Rendered list pages to reuse (src/list-cache); absent when LIST_CACHE_BYTES is 0. */
  pages?: ListPages;
}

/**
 * One API resource: its tables and its routes. Routes are registered inside the
 * authenticated `/v2/RegulatoryCompliance` scope, so `request.accountSid` is always set.
 */
export interface Resource {
  name: string;
  /** Resources whose tables this one's reference: migrations and export follow them (tested). */
  dependsOn?: readonly string[];
  migrations: readonly Migration[];
  /** Its tables as `regcomp export` writes and `regcomp import` reads them, parents first. */
  transfer: readonly TransferTable[];
  /** Its keyset-paged lists, so list-plans.test checks each one's plan on both backends. */
  lists?: readonly KeysetTable[];
  register(app: FastifyInstance, context: ResourceContext): void;
}
