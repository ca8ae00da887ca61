import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import fs from 'node:fs';
import { projectRoot } from './paths.js';

/** Validates response bodies against Twilio's own OpenAPI document, vendored in vendor/. */
const document = JSON.parse(
  fs.readFileSync(`${projectRoot}/vendor/twilio-oai/twilio_numbers_v2.json`, 'utf8'),
) as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>> };

// OpenAPI 3.0's `nullable` without `type` (Twilio's `attributes`: any value) is not JSON
// Schema; Ajv refuses it, so it is dropped there, where it adds nothing.
(function dropUntypedNullable(node: unknown): void {
  if (Array.isArray(node)) node.forEach(dropUntypedNullable);
  else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if ('nullable' in record && !('type' in record) && !('$ref' in record)) delete record.nullable;
    Object.values(record).forEach(dropUntypedNullable);
  }
})(document);

const ajv = new Ajv({ strict: false, allErrors: true });
(addFormatsModule as unknown as { default: (a: Ajv) => void }).default(ajv);
ajv.addSchema(document, 'numbers_v2');

/** Throws, naming every violation, unless `body` is what the spec says `method path` answers with `status`. */
export function assertMatchesSpec(path: string, method: string, status: number, body: unknown): void {
  const operation = document.paths[path]?.[method.toLowerCase()];
  const response = operation?.responses[String(status)];
  if (!response) throw new Error(`the spec has no ${status} response for ${method} ${path}`);
  const content = response.content?.['application/json'];
  if (!content) {
    if (body !== undefined && body !== '') throw new Error(`the spec has no body for ${method} ${path} ${status}`);
    return;
  }
  const pointer = `numbers_v2#/paths/${path.replaceAll('~', '~0').replaceAll('/', '~1').replaceAll('{', '%7B').replaceAll('}', '%7D')}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
  const validate = ajv.getSchema(pointer);
  if (!validate) throw new Error(`cannot resolve ${pointer}`);
  if (!validate(body)) throw new Error(`${method} ${path} ${status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
}

/** The spec's path template for a concrete request path, e.g. `/v2/RegulatoryCompliance/EndUsers/{Sid}`. */
export function specPathOf(requestPath: string): string | undefined {
  const path = requestPath.split('?')[0]!;
  const templates = Object.keys(document.paths).sort((a, b) => b.length - a.length);
  // A literal segment beats a parameter: /Bundles/{BundleSid}/Copies before /Bundles/{Sid}/….
  const matches = templates.filter((t) => new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
  return matches.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))[0];
}

/** Validates one answer against the spec by its concrete path; throws on a path the spec lacks. */
export function assertAnswerMatchesSpec(method: string, requestPath: string, status: number, body: unknown): void {
  const template = specPathOf(requestPath);
  if (!template) throw new Error(`the spec has no path for ${requestPath}`);
  assertMatchesSpec(template, method, status, body);
}
