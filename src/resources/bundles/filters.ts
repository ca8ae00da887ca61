import type { FastifyRequest } from 'fastify';
import type { PageFilter } from '../../store/keyset.js';
import type { SqlValue } from '../../store/db.js';
import { errors } from '../../twilio/errors.js';
import { booleanParam } from '../../twilio/params.js';
import { isSid } from '../../twilio/sid.js';
import { isEndUserType, numberTypeOf } from '../regulations/regulation.js';
import { isBundleStatus } from './bundle.js';

type Query = Record<string, string | undefined>;

export type SortBy = 'date-created' | 'date-updated' | 'valid-until';

export interface BundleListQuery {
  /** Echoed in every paging link and bound into every token, in the order sent. */
  filters: [string, string][];
  filter: PageFilter | undefined;
  sortBy: SortBy;
  order: 'asc' | 'desc';
}

const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A date-time filter, as Twilio stores dates (UTC, to the second), for text comparison. */
function dateOf(name: string, value: string): string {
  const time = DATE.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) throw errors.invalidParameter(name, 'must be a date-time such as 2024-01-31T12:00:00Z');
  return new Date(time).toISOString().slice(0, 19) + 'Z';
}

/**
 * Every filter of Twilio's OpenAPI document. FriendlyName matches exactly; IsoCountry in any
 * case; `ValidUntilDate<` and `ValidUntilDate>` are inclusive bounds (the descriptions say
 * `<=`/`>=`); ValidUntilDate is that very second. A bundle without valid_until matches no date.
 */
export function bundleListQuery(request: FastifyRequest): BundleListQuery {
  const query = request.query as Query;
  const where: string[] = [];
  const params: SqlValue[] = [];
  const add = (sql: string, ...values: SqlValue[]) => {
    where.push(sql);
    params.push(...values);
  };
  const value = (name: string) => query[name] || undefined;

  const status = value('Status');
  if (status !== undefined) {
    if (!isBundleStatus(status)) throw errors.invalidParameter('Status', 'must be a Bundle status');
    add('status = ?', status);
  }
  const sids = value('BundleSids');
  if (sids !== undefined) {
    const list = sids.split(',');
    if (list.length > 20 || !list.every((sid) => isSid(sid, 'BU'))) throw errors.invalidParameter('BundleSids', 'must be up to 20 Bundle SIDs, separated by commas');
    add(`sid IN (${list.map(() => '?').join(', ')})`, ...list);
  }
  const friendlyName = value('FriendlyName');
  if (friendlyName !== undefined) add('friendly_name = ?', friendlyName);
  const regulation = value('RegulationSid');
  if (regulation !== undefined) {
    if (!isSid(regulation, 'RN')) throw errors.invalidParameter('RegulationSid', 'must be RN followed by 32 hex digits');
    add('regulation_sid = ?', regulation);
  }
  const country = value('IsoCountry');
  if (country !== undefined) add('iso_country = ?', country.toUpperCase());
  const numberTypeText = value('NumberType');
  if (numberTypeText !== undefined) {
    const numberType = numberTypeOf(numberTypeText);
    if (!numberType) throw errors.invalidParameter('NumberType', 'must be local, mobile, national or toll-free');
    add('number_type = ?', numberType);
  }
  const endUserType = value('EndUserType');
  if (endUserType !== undefined) {
    if (!isEndUserType(endUserType)) throw errors.invalidParameter('EndUserType', 'must be individual or business');
    add('end_user_type = ?', endUserType);
  }
  const hasValidUntil = booleanParam('HasValidUntilDate', value('HasValidUntilDate'));
  if (hasValidUntil !== undefined) add(hasValidUntil ? "valid_until <> ''" : "valid_until = ''");
  for (const [name, operator] of [['ValidUntilDate', '='], ['ValidUntilDate<', '<='], ['ValidUntilDate>', '>=']] as const) {
    const date = value(name);
    if (date !== undefined) add(`valid_until <> '' AND valid_until ${operator} ?`, dateOf(name, date));
  }

  const sortBy = value('SortBy') ?? 'date-created';
  if (!['date-created', 'date-updated', 'valid-until'].includes(sortBy)) {
    throw errors.invalidParameter('SortBy', 'must be valid-until or date-updated (default: date-created)');
  }
  const direction = (value('SortDirection') ?? 'DESC').toUpperCase();
  if (direction !== 'ASC' && direction !== 'DESC') throw errors.invalidParameter('SortDirection', 'must be ASC or DESC');

  const known = new Set([...FILTERS, 'SortBy', 'SortDirection']);
  const filters = Object.entries(query).filter((entry): entry is [string, string] => known.has(entry[0]) && Boolean(entry[1]));
  return {
    filters,
    filter: where.length === 0 ? undefined : { sql: where.join(' AND '), params },
    sortBy: sortBy as SortBy,
    order: direction === 'ASC' ? 'asc' : 'desc',
  };
}

const FILTERS = [
  'Status', 'BundleSids', 'FriendlyName', 'RegulationSid', 'IsoCountry', 'NumberType', 'EndUserType', 'HasValidUntilDate',
  'ValidUntilDate', 'ValidUntilDate<', 'ValidUntilDate>',
];
