import type { FastifyRequest } from 'fastify';
import type { CatalogueFilter } from '../../catalogue/routes.js';
import { errors } from '../../twilio/errors.js';
import { booleanParam } from '../../twilio/params.js';
import type { Regulation } from './regulation.js';
import { END_USER_TYPES, numberTypeOf } from './regulation.js';

type Query = Record<string, string | undefined>;

export function includeConstraints(request: FastifyRequest): boolean {
  return booleanParam('IncludeConstraints', (request.query as Query).IncludeConstraints) ?? false;
}

const LISTED = ['EndUserType', 'IsoCountry', 'NumberType', 'IncludeConstraints'];

/**
 * The list's filters, echoed in its links in the order the client sent them. Countries match
 * whatever their case; an unknown country is an empty list, as a filter that matches nothing.
 */
export function regulationFilter(request: FastifyRequest): CatalogueFilter<Regulation> {
  const query = request.query as Query;
  const endUserType = query.EndUserType || undefined;
  if (endUserType !== undefined && !(END_USER_TYPES as readonly string[]).includes(endUserType)) throw errors.invalidEndUserTypeFilter(endUserType);
  const numberType = query.NumberType ? numberTypeOf(query.NumberType) : undefined;
  if (query.NumberType && numberType === undefined) throw errors.invalidNumberTypeFilter(query.NumberType);
  const country = query.IsoCountry ? query.IsoCountry.toUpperCase() : undefined;
  includeConstraints(request);
  const filters = Object.entries(query).filter((entry): entry is [string, string] => LISTED.includes(entry[0]) && Boolean(entry[1]));
  return {
    filters,
    test: (r) =>
      (endUserType === undefined || r.endUserType === endUserType) &&
      (numberType === undefined || r.numberType === numberType) &&
      (country === undefined || r.isoCountry === country),
  };
}
