import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import fs from 'node:fs';
import { projectRoot } from './paths.js';

type Document = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>> };

/** Checks answers against one OpenAPI document: Twilio's own (below) or the one regcomp serves. */
export interface SpecValidator {
  /** Throws, naming every violation, unless `body` is what the spec says `method path` answers with `status`. */
  assertMatchesSpec: (path: string, method: string, status: number, body: unknown) => void;
  /** The spec's path template for a concrete request path, e.g. `/v2/RegulatoryCompliance/EndUsers/{Sid}`. */
  specPathOf: (requestPath: string) => string | undefined;
  /** Validates one answer against the spec by its concrete path; throws on a path the spec lacks. */
  assertAnswerMatchesSpec: (method: string, requestPath: string, status: number, body: unknown) => void;
  /** The media types the spec gives for an answer (`application/json`, `*\/*`…); throws if it has no such answer. */
  mediaTypesOf: (path: string, method: string, status: number) => string[];
}

export function specValidator(document: Document, key = 'spec'): SpecValidator {
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
  ajv.addSchema(document, key);

  const responseOf = (path: string, method: string, status: number) => {
    const response = document.paths[path]?.[method.toLowerCase()]?.responses[String(status)];
    if (!response) throw new Error(`the spec has no ${status} response for ${method} ${path}`);
    return response;
  };
  const assertMatchesSpec = (path: string, method: string, status: number, body: unknown): void => {
    const content = responseOf(path, method, status).content?.['application/json'];
    if (!content) {
      if (body !== undefined && body !== '') throw new Error(`the spec has no body for ${method} ${path} ${status}`);
      return;
    }
    const pointer = `${key}#/paths/${path.replaceAll('~', '~0').replaceAll('/', '~1').replaceAll('{', '%7B').replaceAll('}', '%7D')}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
    const validate = ajv.getSchema(pointer);
    if (!validate) throw new Error(`cannot resolve ${pointer}`);
    if (!validate(body)) throw new Error(`${method} ${path} ${status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
  };
  const specPathOf = (requestPath: string): string | undefined => {
    const path = requestPath.split('?')[0]!;
    const templates = Object.keys(document.paths).sort((a, b) => b.length - a.length);
    // A literal segment beats a parameter: /Bundles/{BundleSid}/Copies before /Bundles/{Sid}/….
    const matches = templates.filter((t) => new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
    return matches.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))[0];
  };
  return {
    assertMatchesSpec,
    specPathOf,
    assertAnswerMatchesSpec: (method, requestPath, status, body) => {
      const template = specPathOf(requestPath);
      if (!template) throw new Error(`the spec has no path for ${requestPath}`);
      assertMatchesSpec(template, method, status, body);
    },
    mediaTypesOf: (path, method, status) => Object.keys(responseOf(path, method, status).content ?? {}),
  };
}

/** Twilio's own OpenAPI document, vendored in vendor/: every response body is checked against it. */
const twilio = specValidator(JSON.parse(fs.readFileSync(`${projectRoot}/vendor/twilio-oai/twilio_numbers_v2.json`, 'utf8')) as Document, 'numbers_v2');

export const { assertMatchesSpec, specPathOf, assertAnswerMatchesSpec } = twilio;
