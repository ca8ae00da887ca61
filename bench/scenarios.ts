import { syntheticEndUser } from '../src/resources/end-users/seed.js';
import type { BenchRequest } from './load.js';
import type { EndUserRef } from './store.js';

/** The requests each scenario sends, built from what was seeded. */
const API = '/v2/RegulatoryCompliance/EndUsers';
const FORM = 'application/x-www-form-urlencoded';

export function basicAuth(accountSid: string, token: string): string {
  return 'Basic ' + Buffer.from(`${accountSid}:${token}`).toString('base64');
}

export function fetchRequests(users: readonly EndUserRef[], token: string): BenchRequest[] {
  return users.map((u) => ({ method: 'GET', path: `${API}/${u.sid}`, headers: { authorization: basicAuth(u.accountSid, token) } }));
}

function form(user: { friendlyName: string; type?: string; attributes: string }): string {
  const params = new URLSearchParams({ FriendlyName: user.friendlyName });
  if (user.type) params.set('Type', user.type);
  params.set('Attributes', user.attributes);
  return params.toString();
}

/** Creates, spread over the accounts, each with its own realistic body. */
export function createRequests(accounts: readonly string[], token: string, count = 2000): BenchRequest[] {
  return Array.from({ length: count }, (_, i) => ({
    method: 'POST',
    path: API,
    headers: { authorization: basicAuth(accounts[i % accounts.length]!, token), 'content-type': FORM },
    body: form(syntheticEndUser(i)),
  }));
}

/** Renames and replaces the attributes of existing end users. */
export function updateRequests(users: readonly EndUserRef[], token: string): BenchRequest[] {
  return users.map((u, i) => {
    const { friendlyName, attributes } = syntheticEndUser(i);
    return {
      method: 'POST',
      path: `${API}/${u.sid}`,
      headers: { authorization: basicAuth(u.accountSid, token), 'content-type': FORM },
      body: form({ friendlyName, attributes }),
    };
  });
}

export function deleteRequests(users: readonly EndUserRef[], token: string): BenchRequest[] {
  return users.map((u) => ({ method: 'DELETE', path: `${API}/${u.sid}`, headers: { authorization: basicAuth(u.accountSid, token) } }));
}

/** The first page (50, the default page size) of each account's list. */
export function listRequests(accounts: readonly string[], token: string): BenchRequest[] {
  return accounts.map((a) => ({ method: 'GET', path: `${API}?PageSize=50`, headers: { authorization: basicAuth(a, token) } }));
}

/**
 * A deep page of each account's list, reached the way a client reaches it: by following
 * `next_page_url` from the first page, `depth` times. Returns the URL of the page reached.
 */
export async function deepRequests(origin: string, accounts: readonly string[], token: string, depth: number): Promise<BenchRequest[]> {
  const requests: BenchRequest[] = [];
  for (const account of accounts) {
    const headers = { authorization: basicAuth(account, token) };
    let path = `${API}?PageSize=50`;
    for (let page = 0; page < depth; page++) {
      const response = await fetch(origin + path, { headers });
      if (response.status !== 200) throw new Error(`walking pages: ${response.status} ${await response.text()}`);
      const next = ((await response.json()) as { meta: { next_page_url: string | null } }).meta.next_page_url;
      if (!next) break;
      const url = new URL(next);
      path = url.pathname + url.search;
    }
    requests.push({ method: 'GET', path, headers });
  }
  return requests;
}

/**
 * Every page of each account's list, in turn, until they hold `minBytes` (several times the
 * server's list cache): cycled through, each page has left the cache before it is asked again,
 * so every one is rendered. Reached by following next_page_url, as a client does.
 */
export async function everyPageRequests(origin: string, accounts: readonly string[], token: string, minBytes: number): Promise<BenchRequest[]> {
  const requests: BenchRequest[] = [];
  let bytes = 0;
  for (const account of accounts) {
    const headers = { authorization: basicAuth(account, token) };
    for (let path: string | undefined = `${API}?PageSize=50`; path !== undefined && bytes < minBytes; ) {
      const response = await fetch(origin + path, { headers });
      if (response.status !== 200) throw new Error(`walking pages: ${response.status} ${await response.text()}`);
      const text = await response.text();
      bytes += Buffer.byteLength(text);
      requests.push({ method: 'GET', path, headers });
      const next = (JSON.parse(text) as { meta: { next_page_url: string | null } }).meta.next_page_url;
      path = next ? new URL(next).pathname + new URL(next).search : undefined;
    }
  }
  return requests;
}

/** The value of one series (its name and labels, exactly as written) in the server's /metrics text. */
function metricValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function metricsText(origin: string): Promise<string> {
  return (await fetch(`${origin}/metrics`)).text();
}

/** Pages the server sent again from its list cache, and pages it rendered, so far (its /metrics). */
export async function listCacheCounts(origin: string): Promise<{ hits: number; misses: number } | undefined> {
  const text = await metricsText(origin);
  const hits = metricValue(text, 'regcomp_list_pages_total{outcome="hit"}');
  const misses = metricValue(text, 'regcomp_list_pages_total{outcome="miss"}');
  return hits === undefined || misses === undefined ? undefined : { hits, misses };
}

/** What the server's /metrics says of its memory, in MiB (V8's heap, memory outside it, the list cache). */
export async function heapFigures(origin: string): Promise<HeapFigures | undefined> {
  const text = await metricsText(origin);
  const mb = (name: string) => (metricValue(text, `regcomp_${name}`) ?? NaN) / 2 ** 20;
  const figures = {
    heapTotalMb: mb('nodejs_heap_size_total_bytes'),
    heapUsedMb: mb('nodejs_heap_size_used_bytes'),
    externalMb: mb('nodejs_external_memory_bytes'),
    listCacheMb: mb('list_cache_bytes'),
  };
  return Number.isNaN(figures.heapTotalMb) ? undefined : figures;
}

export interface HeapFigures {
  heapTotalMb: number;
  heapUsedMb: number;
  /** Buffers and other memory V8 is told of (the list cache's pages among them). */
  externalMb: number;
  /** NaN when the list cache is off. */
  listCacheMb: number;
}

/** One request per account, a few at a time: each account's first request costs a scrypt check. */
export async function warmCredentials(origin: string, accounts: readonly string[], token: string): Promise<void> {
  const queue = [...accounts];
  const worker = async () => {
    for (let account = queue.pop(); account !== undefined; account = queue.pop()) {
      const response = await fetch(`${origin}${API}?PageSize=1`, { headers: { authorization: basicAuth(account, token) } });
      if (response.status !== 200) throw new Error(`warming credentials: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

const BUNDLES = '/v2/RegulatoryCompliance/Bundles';
const GERMANY = 'RNfd11dde5d4b7252abf96139766f68034';

export interface BundleRef {
  sid: string;
  accountSid: string;
}

/** Draft bundles for the bundle scenarios, made through the API: `perAccount` per account. */
export async function makeBundles(origin: string, accounts: readonly string[], token: string, perAccount: number): Promise<BundleRef[]> {
  const made: BundleRef[] = [];
  for (const account of accounts) {
    for (let i = 0; i < perAccount; i++) {
      const response = await fetch(origin + BUNDLES, {
        method: 'POST',
        headers: { authorization: basicAuth(account, token), 'content-type': FORM },
        body: `FriendlyName=Bench%20${i}&Email=bench%40example.com&RegulationSid=${GERMANY}`,
      });
      if (response.status !== 201) throw new Error(`making bundles: ${response.status} ${await response.text()}`);
      made.push({ sid: ((await response.json()) as { sid: string }).sid, accountSid: account });
    }
  }
  return made;
}

export function bundleFetchRequests(bundles: readonly BundleRef[], token: string): BenchRequest[] {
  return bundles.map((b) => ({ method: 'GET', path: `${BUNDLES}/${b.sid}`, headers: { authorization: basicAuth(b.accountSid, token) } }));
}

/** Each end user assigned once, to a bundle of its own account (round robin). */
export function assignRequests(users: readonly EndUserRef[], bundles: readonly BundleRef[], token: string): BenchRequest[] {
  const byAccount = new Map<string, BundleRef[]>();
  for (const b of bundles) byAccount.set(b.accountSid, [...(byAccount.get(b.accountSid) ?? []), b]);
  return users.flatMap((u, i) => {
    const own = byAccount.get(u.accountSid);
    if (!own) return [];
    const bundle = own[i % own.length]!;
    return [{ method: 'POST', path: `${BUNDLES}/${bundle.sid}/ItemAssignments`, headers: { authorization: basicAuth(u.accountSid, token), 'content-type': FORM }, body: `ObjectSid=${u.sid}` }];
  });
}

/** An evaluation of each bundle, with no body and no Content-Type, as the SDK sends it. */
export function evaluateRequests(bundles: readonly BundleRef[], token: string): BenchRequest[] {
  return bundles.map((b) => ({ method: 'POST', path: `${BUNDLES}/${b.sid}/Evaluations`, headers: { authorization: basicAuth(b.accountSid, token) } }));
}
