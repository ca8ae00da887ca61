/**
 * One route of regcomp's own, described as data and turned into an OpenAPI 3.0 operation.
 * Documenting a route is one `RouteDoc` next to its neighbours (control-api.ts, extras.ts).
 */

/** A JSON Schema object as OpenAPI 3.0 writes it (`nullable`, `$ref` to components). */
export type Schema = Record<string, unknown>;
export type Method = 'GET' | 'POST' | 'DELETE';

export interface FormField {
  schema: Schema;
  description: string;
  required?: boolean;
}

export interface RouteDoc {
  method: Method;
  /** An OpenAPI path template: `/regcomp/Bundles/{Sid}/Review`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** A description for each `{Name}` in `path` (all strings). */
  params?: Readonly<Record<string, string>>;
  /** Query-string parameters (GETs). */
  query?: Readonly<Record<string, FormField>>;
  /** The body's fields: sent as a form (application/x-www-form-urlencoded), as Twilio's are. */
  form?: Readonly<Record<string, FormField>>;
  /** The answer when it worked; JSON unless `contentType` says otherwise, no body without a schema. */
  ok: { status: number; description: string; schema?: Schema; contentType?: string };
  /** Failures by HTTP status: Twilio-shaped ones by what causes them (codes included), others with their own schema. */
  errors?: Readonly<Record<number, string | { description: string; schema: Schema }>>;
  /** Answered without credentials (health checks); else Basic auth, with its 401. */
  public?: boolean;
}

export const ERROR_SCHEMA_NAME = 'regcomp.error';
const errorRef = { $ref: `#/components/schemas/${ERROR_SCHEMA_NAME}` };

/** Every failure regcomp answers, in Twilio's shape (src/twilio/errors.ts). */
export const errorSchema: Schema = {
  type: 'object',
  required: ['code', 'message', 'more_info', 'status'],
  properties: {
    code: { type: 'integer', description: "Twilio's error code, e.g. 20404" },
    message: { type: 'string' },
    more_info: { type: 'string', format: 'uri' },
    status: { type: 'integer', description: 'The HTTP status, repeated' },
    detail: { type: 'string', description: 'Only on 401s' },
  },
};

export function operationOf(doc: RouteDoc): Schema {
  return {
    operationId: operationId(doc),
    tags: [doc.tag],
    summary: doc.summary,
    ...(doc.description === undefined ? {} : { description: doc.description }),
    ...(doc.public ? { security: [] } : {}),
    parameters: [...pathParameters(doc), ...queryParameters(doc)],
    ...(doc.form ? { requestBody: formBody(doc.form) } : {}),
    responses: responses(doc),
  };
}

function pathParameters(doc: RouteDoc): Schema[] {
  return [...doc.path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => {
    const description = doc.params?.[name!];
    if (description === undefined) throw new Error(`${doc.method} ${doc.path}: describe the path parameter ${name}`);
    return { name, in: 'path', required: true, description, schema: { type: 'string' } };
  });
}

function queryParameters(doc: RouteDoc): Schema[] {
  return Object.entries(doc.query ?? {}).map(([name, field]) => ({ name, in: 'query', required: field.required ?? false, description: field.description, schema: field.schema }));
}

function formBody(form: Readonly<Record<string, FormField>>): Schema {
  const properties = Object.fromEntries(Object.entries(form).map(([name, field]) => [name, { ...field.schema, description: field.description }]));
  const required = Object.entries(form).filter(([, field]) => field.required).map(([name]) => name);
  const schema = { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
  return { required: required.length > 0, content: { 'application/x-www-form-urlencoded': { schema } } };
}

function responses(doc: RouteDoc): Schema {
  const { ok } = doc;
  const success = ok.schema ? { description: ok.description, content: { [ok.contentType ?? 'application/json']: { schema: ok.schema } } } : { description: ok.description };
  const failures = { ...(doc.public ? {} : { 401: '20003: no or wrong credentials (Basic auth: account SID and auth token)' }), ...doc.errors };
  const errorResponses = Object.entries(failures).map(([status, failure]): [string, Schema] => {
    const { description, schema } = typeof failure === 'string' ? { description: failure, schema: errorRef } : failure;
    return [status, { description, content: { 'application/json': { schema } } }];
  });
  return { [ok.status]: success, ...Object.fromEntries(errorResponses) };
}

/** `POST /regcomp/Bundles/{Sid}/Review` → `RegcompPostBundlesSidReview`: stable and unique per route. */
function operationId(doc: RouteDoc): string {
  const words = doc.path.split(/[/{}.-]+/).filter(Boolean).map((word) => word[0]!.toUpperCase() + word.slice(1));
  return `${doc.method[0]}${doc.method.slice(1).toLowerCase()}${words.join('')}`;
}
