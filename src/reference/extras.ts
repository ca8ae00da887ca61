import type { RouteDoc } from './operation.js';

/**
 * The public routes regcomp serves beyond Twilio's document and the control API. They are in
 * the reference because clients and operators call them; the reference itself (/openapi.json,
 * /reference) is not: it describes the API, it is not part of it.
 */
const download: RouteDoc = {
  method: 'GET',
  path: '/v2/RegulatoryCompliance/SupportingDocuments/{Sid}/File',
  tag: 'NumbersV2SupportingDocument',
  summary: 'Download a Supporting Document’s file (regcomp only: Twilio has no download)',
  params: { Sid: 'The Supporting Document’s SID (RD…), in the authenticated account' },
  ok: { status: 200, description: 'The bytes uploaded, with the MIME type they were uploaded with', schema: { type: 'string', format: 'binary' }, contentType: '*/*' },
  errors: { 404: '20404: no such document in this account, or it has no file' },
};

const health: RouteDoc[] = [
  {
    method: 'GET',
    path: '/healthz',
    tag: 'RegcompOperations',
    summary: 'Liveness: the process answers',
    public: true,
    ok: { status: 200, description: 'Alive', schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } } },
  },
  {
    method: 'GET',
    path: '/readyz',
    tag: 'RegcompOperations',
    summary: 'Readiness: the database answers',
    public: true,
    ok: { status: 200, description: 'Ready', schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ready'] } } } },
    errors: {
      503: {
        description: 'The database does not answer',
        schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['database unavailable'] } } },
      },
    },
  },
];

const metrics: RouteDoc = {
  method: 'GET',
  path: '/metrics',
  tag: 'RegcompOperations',
  summary: 'Prometheus metrics (METRICS=true): requests by route pattern, status and duration; Node’s process metrics',
  public: true,
  ok: { status: 200, description: 'The Prometheus text format', schema: { type: 'string' }, contentType: 'text/plain' },
};

/** `/metrics` is served, so documented, only when METRICS is on. */
export function extraRoutes(options: { metrics: boolean }): RouteDoc[] {
  return [download, ...health, ...(options.metrics ? [metrics] : [])];
}
