import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { before, describe, test } from 'node:test';
import { loadConfig } from '../src/config.js';
import { loadCatalogues } from '../src/resources/catalogues.js';
import { resources } from '../src/resources/index.js';
import type { Resource } from '../src/resources/resource.js';
import type { ActionConfig } from '../src/twilio/actions.js';
import { PageTokens } from '../src/twilio/paging.js';
import { API_PREFIX, originOf } from '../src/twilio/urls.js';
import { backends } from './support/backends.js';
import { assertAnswerMatchesSpec } from './support/openapi.js';
import type { Credentials, TestServer } from './support/server.js';
import { serverFor } from './support/server.js';
import { expectTwilioError } from './support/twilio.js';

/**
 * One walk over the resource registry: every resource, every route, the same rules. A new
 * resource needs a sample here (the test fails until it has one).
 */
interface Sample {
  /** A create body (made afresh for each instance); resources without one (catalogues) are read from their list. */
  create?: string | (() => Promise<string>);
  /** A filter the list takes: a token minted with it must not page the list without it. */
  filter?: string;
  /** A nested resource's parent: makes one and returns the path parameter's value. */
  parent?: () => Promise<string>;
}

let server: TestServer;
const post = async (path: string, body: string) => ((await (await server.request('POST', `${API_PREFIX}${path}`, { body })).json()) as { sid: string }).sid;
const newBundle = () => post('/Bundles', 'FriendlyName=Parent&Email=p%40example.com&RegulationSid=RNfd11dde5d4b7252abf96139766f68034');

const samples: Record<string, Sample> = {
  'end-users': { create: 'FriendlyName=Conformance&Type=individual' },
  'end-user-types': {},
  'supporting-document-types': {},
  regulations: { filter: 'EndUserType=business' },
  bundles: { create: 'FriendlyName=Conformance&Email=c%40example.com&RegulationSid=RNfd11dde5d4b7252abf96139766f68034', filter: 'Status=draft' },
  'supporting-documents': { create: 'FriendlyName=Conformance&Type=passport' },
  'item-assignments': { parent: newBundle, create: async () => `ObjectSid=${await post('/EndUsers', 'FriendlyName=Item&Type=business')}` },
  evaluations: { parent: newBundle, create: '' },
  'bundle-copies': { parent: () => approvedBundle(), create: 'FriendlyName=Copy' },
  'replace-items': {
    parent: async () => (await approvedCopy()).original,
    create: async () => `FromBundleSid=${(await approvedCopy()).copy}`,
  },
  'bundle-clones': { parent: () => approvedBundle(), create: async () => `TargetAccountSid=${(await server.newAccount()).sid}&MoveToDraft=true` },
};

/** A bundle as Twilio leaves it once approved, with the valid_until a regulation change sets. */
async function approvedBundle(): Promise<string> {
  const sid = await newBundle();
  await server.request('POST', `/regcomp/Bundles/${sid}/Review`, { body: 'Status=twilio-approved&ValidUntil=2030-01-01T00:00:00Z' });
  return sid;
}

/** The last approved bundle and an approved Copy of it: what ReplaceItems takes. */
let lastCopy: { original: string; copy: string } | undefined;
async function approvedCopy(): Promise<{ original: string; copy: string }> {
  if (lastCopy) {
    const made = lastCopy;
    lastCopy = undefined;
    return made;
  }
  const original = await approvedBundle();
  const copy = await post(`/Bundles/${original}/Copies`, '');
  await server.request('POST', `/regcomp/Bundles/${copy}/Review`, { body: 'Status=twilio-approved' });
  lastCopy = { original, copy };
  return lastCopy;
}

interface Route {
  methods: string[];
  url: string;
  config: ActionConfig | undefined;
}

/** The routes a resource declares, read by registering it on an app of its own. */
async function routesOf(resource: Resource, server: TestServer): Promise<Route[]> {
  const app = Fastify();
  const routes: Route[] = [];
  app.addHook('onRoute', (route) => {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).map(String);
    routes.push({ methods, url: route.url, config: route.config as ActionConfig | undefined });
  });
  const config = loadConfig({});
  const context = {
    db: server.db,
    tokens: new PageTokens(randomBytes(32)),
    config,
    catalogues: loadCatalogues(config),
    now: () => '2020-01-01T00:00:00Z',
    origin: (request: Parameters<typeof originOf>[0]) => originOf(request, undefined),
    reviews: server.app.background.reviews,
  };
  await app.register((api, _options, done) => {
    resource.register(api, context);
    done();
  }, { prefix: API_PREFIX });
  await app.ready();
  await app.close();
  return routes;
}

/** The methods a path serves (HEAD, which Fastify adds to every GET, aside). */
const served = (routes: Route[], url: string) =>
  routes.filter((r) => r.url === url && r.config?.action).flatMap((r) => r.methods).filter((m) => m !== 'HEAD');

for (const backend of backends) {
  describe(`resource conformance (${backend.name})`, () => {
    const running = serverFor(backend);
    before(() => {
      server = running;
    });

    test('every registered resource has a sample', () => {
      assert.deepEqual(resources.map((r) => r.name).filter((name) => !(name in samples)), []);
    });

    /** Fetches, and validates every 2xx JSON answer against Twilio's OpenAPI document. */
    async function call(method: string, path: string, body?: string, auth?: Credentials): Promise<Response> {
      const response = await server.request(method, path, { body, auth });
      if (response.status >= 200 && response.status < 300 && response.status !== 204) {
        assertAnswerMatchesSpec(method, path, response.status, await response.clone().json());
      }
      return response;
    }

    /** A resource that is one action (ReplaceItems, Clones): its 201, its parent's 404, its 405s. */
    async function actionOnly(routes: Route[], sample: Sample): Promise<void> {
      const create = routes.find((r) => r.config?.action === 'create');
      assert.ok(create && sample.parent && sample.create !== undefined, 'a resource without a list is one create under a parent');
      const path = create.url.replace(/:\w+Sid/, await sample.parent());
      const body = typeof sample.create === 'string' ? sample.create : await sample.create();
      assert.equal((await call('POST', path, body)).status, 201);
      const unknown = create.url.replace(/:\w+Sid/, `BU${'0'.repeat(32)}`);
      await expectTwilioError(await call('POST', unknown, body), 404, 20404);
      await expectTwilioError(await call('POST', path, body, await server.newAccount()), 404, 20404);
      for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) {
        const response = await call(method, path);
        assert.equal(response.headers.get('allow'), 'POST');
        await expectTwilioError(response, 405, 20004);
      }
    }

    for (const resource of resources) {
      test(`${resource.name}: 404s, 405s, page tokens and the OpenAPI shape`, async () => {
        const sample = samples[resource.name]!;
        const routes = await routesOf(resource, server);
        const list = routes.find((r) => r.config?.action === 'list');
        if (!list) return actionOnly(routes, sample);
        const instancePath = `${list.url}/:sid`;
        // A nested list's path names its parent; a second parent's list must not take this one's tokens.
        const parentPath = async () => (sample.parent ? list.url.replace(/:\w+Sid/, await sample.parent()) : list.url);
        const listPath = await parentPath();
        const siblingList = sample.parent ? await parentPath() : undefined;
        const prefix = list.config!.sidPrefix;

        // Two instances of the test account's.
        const sids: string[] = [];
        if (sample.create !== undefined) {
          for (let i = 0; i < 2; i++) {
            const body = typeof sample.create === 'string' ? sample.create : await sample.create();
            const created = await call('POST', listPath, body);
            assert.equal(created.status, 201);
            sids.push(((await created.json()) as { sid: string }).sid);
          }
        } else {
          const page = (await (await call('GET', `${listPath}?PageSize=2`)).json()) as Record<string, unknown> & { meta: { key: string } };
          sids.push(...(page[page.meta.key] as { sid: string }[]).map((item) => item.sid));
        }
        assert.equal(sids.length, 2);
        if (served(routes, instancePath).includes('GET')) {
          for (const sid of sids) assert.equal((await call('GET', `${listPath}/${sid}`)).status, 200);
        }

        // Malformed, unknown and (for account-owned resources) other accounts' SIDs: 404 for every method.
        const stranger = await server.newAccount();
        const missing: [string, Credentials | undefined][] = [
          [`${prefix}${'0'.repeat(31)}`, undefined],
          [`${prefix}${'z'.repeat(32)}`, undefined],
          [`XX${sids[0]!.slice(2)}`, undefined],
          [`${prefix}${randomBytes(16).toString('hex')}`, undefined],
        ];
        if (sample.create !== undefined) missing.push([sids[0]!, stranger]);
        for (const method of served(routes, instancePath)) {
          for (const [sid, auth] of missing) {
            const path = `${listPath}/${sid}`;
            await expectTwilioError(await call(method, path, method === 'POST' ? 'FriendlyName=Intruder' : undefined, auth), 404, 20404, new RegExp(path));
          }
        }
        if (sample.create !== undefined && served(routes, instancePath).includes('POST')) {
          const kept = (await (await call('GET', `${listPath}/${sids[0]}`)).json()) as { friendly_name: string };
          assert.equal(kept.friendly_name, 'Conformance', 'another account changed nothing');
        }

        // Every method a path does not serve is 405 20004, naming what it serves.
        for (const [path, concrete] of [[list.url, listPath], [instancePath, `${listPath}/${sids[1]}`]] as const) {
          const allowed = served(routes, path);
          if (allowed.length === 0) continue;
          for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !allowed.includes(m))) {
            const response = await call(method, concrete);
            assert.equal(response.headers.get('allow'), [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : [])].join(', '));
            await expectTwilioError(response, 405, 20004);
          }
        }

        // A page token works only for the list, account and filters it was minted for.
        const filter = sample.filter === undefined ? '' : `&${sample.filter}`;
        const first = (await (await call('GET', `${listPath}?PageSize=1${filter}`)).json()) as { meta: { next_page_url: string } };
        const next = new URL(first.meta.next_page_url);
        assert.equal((await call('GET', next.pathname + next.search)).status, 200);
        const token = next.searchParams.get('PageToken')!;
        const otherList = listPath.endsWith('/EndUsers') ? `${API_PREFIX}/Regulations` : `${API_PREFIX}/EndUsers`;
        await expectTwilioError(await call('GET', `${otherList}?PageToken=${token}`), 400, 21481);
        if (siblingList) await expectTwilioError(await call('GET', `${siblingList}?PageToken=${token}${filter}`), 400, 21481);
        // (Another account's nested list is not found at all: its parent is not theirs.)
        const foreign = await call('GET', `${listPath}?PageToken=${token}${filter}`, undefined, stranger);
        if (sample.parent) await expectTwilioError(foreign, 404, 20404);
        else await expectTwilioError(foreign, 400, 21481);
        if (sample.filter !== undefined) await expectTwilioError(await call('GET', `${listPath}?PageToken=${token}`), 400, 21481);
        // One character changed (not the last: base64's last may carry only padding bits).
        const at = token.length - 2;
        const altered = token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
        await expectTwilioError(await call('GET', `${listPath}?PageToken=${altered}${filter}`), 400, 21481);
      });
    }
  });
}
