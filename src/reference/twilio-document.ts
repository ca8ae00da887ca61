import fs from 'node:fs';
import type { RegisteredRoute } from './routes.js';
import { shapeOf } from './routes.js';
import type { Schema } from './operation.js';

/** Twilio's own OpenAPI document for Numbers v2 (vendor/twilio-oai/, from dist/src/reference/). */
const TWILIO_DOCUMENT = new URL('../../../vendor/twilio-oai/twilio_numbers_v2.json', import.meta.url);

export interface TwilioDocument {
  openapi: string;
  info: Schema;
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
  tags: { name: string }[];
  security: unknown[];
}

export function loadTwilioDocument(): TwilioDocument {
  return JSON.parse(fs.readFileSync(TWILIO_DOCUMENT, 'utf8')) as TwilioDocument;
}

/**
 * Twilio's paths with only the operations a registered route serves, in Twilio's order; a
 * path nothing serves is left out. Each path's own `servers` (Twilio's hosts) goes, so the
 * document's, this origin, applies.
 */
export function servedTwilioPaths(twilio: TwilioDocument, routes: readonly RegisteredRoute[]): Record<string, Schema> {
  const served = new Set(routes.map((r) => `${r.method.toLowerCase()} ${shapeOf(r.url)}`));
  const paths: Record<string, Schema> = {};
  for (const [path, item] of Object.entries(twilio.paths)) {
    const kept = Object.entries(item).filter(([key]) => key !== 'servers' && (!METHODS.has(key) || served.has(`${key} ${shapeOf(path)}`)));
    if (kept.some(([key]) => METHODS.has(key))) paths[path] = Object.fromEntries(kept);
  }
  acceptUpload(paths['/v2/RegulatoryCompliance/SupportingDocuments']?.post as Schema | undefined);
  return paths;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/**
 * Twilio documents the create as a form only; its SDKs upload the file as multipart (to
 * numbers-upload.twilio.com), and regcomp takes either, so the reference offers both.
 */
function acceptUpload(create: Schema | undefined): void {
  const content = (create?.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)?.content;
  const form = content?.['application/x-www-form-urlencoded']?.schema;
  if (!content || !form) return;
  const properties = { ...(form.properties as Schema), File: { type: 'string', format: 'binary', description: 'The document’s file (regcomp: at most UPLOAD_MAX_BYTES)' } };
  content['multipart/form-data'] = { schema: { ...form, title: 'CreateSupportingDocumentUploadRequest', properties } };
}
