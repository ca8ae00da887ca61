import { controlApi } from './control-api.js';
import { extraRoutes } from './extras.js';
import type { RouteDoc, Schema } from './operation.js';
import { ERROR_SCHEMA_NAME, errorSchema, operationOf } from './operation.js';
import type { RegisteredRoute } from './routes.js';
import { loadTwilioDocument, servedTwilioPaths } from './twilio-document.js';

export type OpenApiDocument = Schema & { servers: { url: string; description?: string }[]; paths: Record<string, Schema> };

const OWN_TAGS = [
  { name: 'RegcompControl', description: 'regcomp’s control API: play Twilio’s reviewer, set review policies, see status callbacks' },
  { name: 'RegcompOperations', description: 'Health and metrics, without credentials' },
];

/**
 * What this server answers, as one OpenAPI 3.0 document: Twilio's operations that a route
 * serves, then regcomp's own (control-api.ts, extras.ts), with only the components they
 * reference. `servers` is filled per request (index.ts).
 */
export function buildDocument(routes: readonly RegisteredRoute[], options: { metrics: boolean }): OpenApiDocument {
  const twilio = loadTwilioDocument();
  const paths = servedTwilioPaths(twilio, routes);
  for (const doc of [...extraRoutes(options), ...controlApi]) addOperation(paths, doc);
  const components = referencedComponents({ ...twilio.components, schemas: { ...twilio.components.schemas, [ERROR_SCHEMA_NAME]: errorSchema } }, paths);
  const tagNames = new Set(Object.values(paths).flatMap((item) => Object.values(item).flatMap((op) => (op as { tags?: string[] }).tags ?? [])));
  return {
    openapi: twilio.openapi,
    info: {
      title: 'regcomp: Twilio Regulatory Compliance v2',
      description: 'What this regcomp server answers: the part of Twilio’s Numbers v2 document it implements, its own downloads, health and metrics, and its control API under /regcomp. Credentials: an account SID and auth token, as Basic auth.',
      version: String(twilio.info.version),
      license: twilio.info.license,
    },
    servers: [],
    paths,
    components,
    tags: [...twilio.tags, ...OWN_TAGS].filter((tag) => tagNames.has(tag.name)),
    security: twilio.security,
  };
}

function addOperation(paths: Record<string, Schema>, doc: RouteDoc): void {
  const item = (paths[doc.path] ??= {});
  const method = doc.method.toLowerCase();
  if (method in item) throw new Error(`${doc.method} ${doc.path} is documented twice`);
  item[method] = operationOf(doc);
}

/**
 * The components `paths` reaches through `$ref`, directly or through other components; every
 * security scheme stays (requirements name them, they are not `$ref`s).
 */
function referencedComponents(all: Record<string, Record<string, unknown>>, paths: Schema): Record<string, Record<string, unknown>> {
  const kept: Record<string, Record<string, unknown>> = { securitySchemes: all.securitySchemes ?? {} };
  const pending = refsIn(paths);
  while (pending.length > 0) {
    const [kind, name] = pending.pop()!;
    const group = (kept[kind] ??= {});
    if (name in group) continue;
    const target = all[kind]?.[name];
    if (target === undefined) throw new Error(`#/components/${kind}/${name} is referenced but not defined`);
    group[name] = target;
    pending.push(...refsIn(target));
  }
  return kept;
}

function refsIn(node: unknown, found: [string, string][] = []): [string, string][] {
  if (Array.isArray(node)) node.forEach((child) => refsIn(child, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      const match = key === '$ref' && typeof value === 'string' ? /^#\/components\/([^/]+)\/(.+)$/.exec(value) : null;
      if (match) found.push([match[1]!, match[2]!]);
      else refsIn(value, found);
    }
  }
  return found;
}
