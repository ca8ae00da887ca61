import fs from 'node:fs';
import path from 'node:path';
import type { BenchRequest, LoadResult, LoadSpec } from './load.js';
import { runLoad } from './load.js';
import type { BackendName, BenchOptions, ScenarioName } from './options.js';
import { parseOptions } from './options.js';
import type { PerfRecording } from './perf.js';
import { PERF_NODE_ARGS, recordPerf } from './perf.js';
import { waitForQuiet } from './cpu.js';
import { idleRss, killAll, projectRoot, resultsDir, startProcess } from './processes.js';
import { startCommand } from './start-command.js';
import type { ScaleResult, SuiteResult } from './report.js';
import { formatScale, formatSuite, machine, machineLine, SCALE_SCENARIOS, settingsLine, writeResults } from './report.js';
import {
  assignRequests,
  bundleFetchRequests,
  createRequests,
  evaluateRequests,
  makeBundles,
  deepRequests,
  deleteRequests,
  everyPageRequests,
  heapFigures,
  listCacheCounts,
  fetchRequests,
  listRequests,
  updateRequests,
  warmCredentials,
} from './scenarios.js';
import type { EndUserRef } from './store.js';
import { createStore, existingStore, readSeeded, seedStore, shuffle } from './store.js';

/** End users sampled for fetch and update; each is requested many times over a run. */
const SAMPLE = 10_000;
const PAGE_SIZE = 50;
/** What the every-page scenario's pages add up to at least: 8× the default list cache. */
const EVERY_PAGE_BYTES = 32 * 2 ** 20;
/** The small store of `--scale`: same rows per account as the default large one. */
const SMALL = { rows: 10_000, accounts: 10 };
/** Other work above this share of the machine's CPU during a measurement disturbs it. */
const QUIET = 0.1;

/** Stores to drop should the run be interrupted. */
const cleanups = new Set<() => Promise<void>>();

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function describe(r: LoadResult): string {
  const errors = r.non2xx + r.errors;
  const other = r.otherCpu === null ? '' : `, other work ${(r.otherCpu * 100).toFixed(0)}% CPU`;
  const cpu = r.serverCpuUs === null ? '' : `, server CPU ${r.serverCpuUs.toFixed(0)} µs/req`;
  return `${Math.round(r.rps)} req/s, p50 ${r.latencyMs.p50.toFixed(2)} ms, p99 ${r.latencyMs.p99.toFixed(2)} ms${errors ? `, ${errors} errors` : ''}${cpu}${other}`;
}

async function suite(
  backend: BackendName,
  options: BenchOptions,
  shape: { rows: number; accounts: number },
  scenarios: readonly ScenarioName[],
  withReference: boolean,
): Promise<SuiteResult> {
  const store = options.store ? existingStore(options.store.url) : await createStore(backend, options.pgUrl);
  const drop = () => store.drop();
  cleanups.add(drop);
  try {
    let loadAccountCount = Math.min(options.loadAccounts, shape.accounts);
    let seeded;
    if (options.store) {
      const existing = await readSeeded(store.url, options.store.token, options.loadAccounts);
      shape = { rows: existing.rows, accounts: existing.accounts };
      loadAccountCount = existing.loadAccounts.length;
      seeded = existing;
    } else {
      seeded = await seedStore(store.url, shape.rows, shape.accounts, loadAccountCount);
    }
    // After reading an existing store: its own shape, not the options'.
    log(`\n== ${backend}: ${shape.rows.toLocaleString('en-US')} end users over ${shape.accounts.toLocaleString('en-US')} accounts`);
    const { token, loadAccounts } = seeded;
    const users = seeded.endUsers;
    const sample = users.slice(0, SAMPLE);
    const base = { connections: options.connections, durationSec: options.durationSec, warmupSec: options.warmupSec };
    const result: SuiteResult = {
      backend,
      rows: shape.rows,
      accounts: shape.accounts,
      loadAccounts: loadAccountCount,
      seedSec: seeded.seedMs / 1000,
      reference: {},
      scenarios: {},
      serverMemory: null,
      notes: [],
    };
    /**
     * Runs a scenario once the machine is quiet, and again (up to --retries times) if other
     * work took more than QUIET of its CPU meanwhile; keeps the least disturbed run.
     * Scenarios that use rows up (delete) run once.
     */
    const measure = async (label: string, spec: Omit<LoadSpec, keyof typeof base>, pids: () => Promise<number[]>) => {
      let best: LoadResult | undefined;
      const attempts = spec.mode === 'partition' ? 1 : 1 + options.retries;
      for (let attempt = 1; attempt <= attempts; attempt++) {
        const waited = await waitForQuiet(await pids(), QUIET, 60_000);
        if (waited < 0) log(`  ${label.padEnd(14)} the machine stayed busy for 60 s; measuring anyway`);
        const r = await runLoad({ ...base, ...spec }, pids);
        const disturbed = r.otherCpu !== null && r.otherCpu > QUIET;
        log(`  ${label.padEnd(14)} ${describe(r)}${disturbed && attempt < attempts ? ' — disturbed, again' : ''}`);
        if (!best || (r.otherCpu ?? 0) < (best.otherCpu ?? 0)) best = r;
        if (!disturbed) break;
      }
      return best!;
    };
    // The references get the requests fetch sends (they ignore them): the load generator
    // does the same work against them as against the server.
    const reference = async (kind: 'http' | 'fastify', label: string, page?: { file: string; requests: BenchRequest[] }) => {
      const ref = await startProcess('dist/bench/reference.js', page ? [kind, page.file] : [kind], {});
      try {
        const pids = () => Promise.resolve([ref.pid]);
        return await measure(label, { origin: ref.origin, requests: page?.requests ?? fetchRequests(sample, token), mode: 'rotate' }, pids);
      } finally {
        await ref.stop();
      }
    };
    const withRefs = withReference && !options.noReference;
    if (withRefs) {
      result.reference.httpBefore = await reference('http', 'http (before)');
      result.reference.fastify = await reference('fastify', 'fastify');
    }

    const start = startCommand(projectRoot);
    const server = await startProcess(
      start.script,
      [],
      // The per-account rate limit is off: the load concentrates on a few accounts (10 with
      // --scale's small store), far beyond any one real account, to measure the server.
      { ...start.env, DATABASE_URL: store.serverUrl, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ACCOUNT_RATE_LIMIT: '0' },
      [...start.nodeArgs, ...(options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${resultsDir}`] : []), ...(options.perf ? PERF_NODE_ARGS : [])],
    );
    let perf: PerfRecording | undefined;
    // A first page as the server sends it: node:http sends the same bytes for the list's reference.
    let page: { file: string; requests: BenchRequest[]; bytes: number } | undefined;
    const envText = Object.entries(start.env).map(([k, v]) => `${k}=${v} `).join('');
    result.notes.push(`server: ${envText}node ${[...start.nodeArgs, start.script].join(' ')} (as npm start runs it), ACCOUNT_RATE_LIMIT=0`);
    try {
      if (options.perf) {
        perf = await recordPerf(server.pid, resultsDir, `${backend}-${shape.rows}`);
        result.notes.push(`perf: ${path.relative(projectRoot, perf.file)} (perf report -i …; JIT symbols in /tmp/perf-${server.pid}.map)`);
      }
      await warmCredentials(server.origin, loadAccounts, token);
      const origin = server.origin;
      const run = async (name: ScenarioName, spec: Omit<LoadSpec, keyof typeof base | 'origin'>) => {
        if (!scenarios.includes(name)) return;
        const pids = async () => [server.pid, ...(await store.serverBackendPids())];
        const cacheBefore = await listCacheCounts(origin);
        result.scenarios[name] = await measure(name, { origin, ...spec }, pids);
        const cacheAfter = await listCacheCounts(origin);
        if (cacheBefore && cacheAfter && cacheAfter.hits + cacheAfter.misses > cacheBefore.hits + cacheBefore.misses) {
          const hits = cacheAfter.hits - cacheBefore.hits;
          const misses = cacheAfter.misses - cacheBefore.misses;
          result.notes.push(`${name}: list cache ${hits.toLocaleString('en-US')} pages sent again, ${misses.toLocaleString('en-US')} rendered (${((100 * hits) / (hits + misses)).toFixed(1)} % hits)`);
        }
      };
      // Reads first, then creates, then deletes (which remove rows the reads would use).
      await run('fetch', { requests: fetchRequests(sample, token), mode: 'rotate' });
      await run('update', { requests: updateRequests(sample, token), mode: 'rotate' });
      await run('list', { requests: listRequests(loadAccounts, token), mode: 'rotate' });
      if (withRefs && ['list', 'deep', 'list-miss'].some((s) => scenarios.includes(s as ScenarioName))) {
        page = await savePage(server.origin, listRequests(loadAccounts, token), path.join(resultsDir, `page-${backend}.json`));
      }
      if (scenarios.includes('deep')) {
        const rowsPerAccount = Math.floor(shape.rows / shape.accounts);
        const depth = Math.max(1, Math.floor((rowsPerAccount / PAGE_SIZE) * 0.75));
        const walked = loadAccounts.slice(0, 20);
        const deep = await deepRequests(origin, walked, token, depth);
        result.notes.push(`deep page: page ${depth} of ~${Math.ceil(rowsPerAccount / PAGE_SIZE)} (${PAGE_SIZE} per page), reached by following next_page_url, on ${walked.length} accounts`);
        await run('deep', { requests: deep, mode: 'rotate' });
      }
      if (scenarios.includes('list-miss')) {
        const every = await everyPageRequests(origin, loadAccounts, token, EVERY_PAGE_BYTES);
        result.notes.push(`every page in turn: ${every.length} pages of ${PAGE_SIZE} (≥ ${EVERY_PAGE_BYTES / 2 ** 20} MB, 8× the default LIST_CACHE_BYTES), cycled through`);
        await run('list-miss', { requests: every, mode: 'rotate' });
      }
      if (scenarios.some((s) => ['bundle-fetch', 'assign', 'evaluate'].includes(s))) {
        const bundles = await makeBundles(origin, loadAccounts, token, 5);
        result.notes.push(`bundles: ${bundles.length} drafts (5 per load account); assign: each of half the sampled end users once, to a bundle of its account; evaluate: those bundles with what assign left in them`);
        await run('bundle-fetch', { requests: bundleFetchRequests(bundles, token), mode: 'rotate' });
        // Half the sampled end users are for assignments, the other half for delete: an assigned
        // end user cannot be deleted (21644).
        const pool = shuffle(users.slice(Math.floor(users.length / 2)));
        const warmupCount = Math.min(Math.floor(pool.length * 0.2), options.warmupSec * 3000);
        await run('assign', {
          requests: assignRequests(pool.slice(warmupCount), bundles, token),
          warmupRequests: assignRequests(pool.slice(0, warmupCount), bundles, token),
          mode: 'partition',
        });
        await run('evaluate', { requests: evaluateRequests(bundles, token), mode: 'rotate' });
      }
      await run('create', { requests: createRequests(loadAccounts, token), mode: 'rotate', collectCreated: true });
      if (scenarios.includes('delete')) {
        const created = result.scenarios.create?.created ?? [];
        const pool: EndUserRef[] = shuffle([...users.slice(0, Math.floor(users.length / 2)), ...created]);
        const warmupCount = Math.min(Math.floor(pool.length * 0.2), options.warmupSec * 5000);
        result.notes.push(`delete: ${pool.length.toLocaleString('en-US')} end users available (${created.length.toLocaleString('en-US')} made by create), each deleted once`);
        await run('delete', {
          requests: deleteRequests(pool.slice(warmupCount), token),
          warmupRequests: deleteRequests(pool.slice(0, warmupCount), token),
          mode: 'partition',
        });
      }
      const memory = server.memory();
      const heap = await heapFigures(origin);
      const idle = memory ? await idleRss(server) : undefined;
      result.serverMemory = memory && { ...memory, heap, idle };
    } finally {
      await perf?.stop();
      await server.stop();
    }
    for (const r of Object.values(result.scenarios)) delete r.created;
    if (withRefs) result.reference.httpAfter = await reference('http', 'http (after)');
    if (page) {
      result.reference.page = await reference('http', 'http (page)', page);
      result.reference.pageBytes = page.bytes;
      fs.rmSync(page.file, { force: true });
    }
    return result;
  } finally {
    cleanups.delete(drop);
    await store.drop();
  }
}

/** Saves the body of the first of `requests` (a list page) to `file`, for the page reference. */
async function savePage(origin: string, requests: BenchRequest[], file: string): Promise<{ file: string; requests: BenchRequest[]; bytes: number }> {
  const first = requests[0]!;
  const response = await fetch(origin + first.path, { headers: first.headers });
  if (!response.ok) throw new Error(`list page for the page reference: HTTP ${response.status}`);
  const body = Buffer.from(await response.arrayBuffer());
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, body);
  return { file, requests, bytes: body.length };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const m = machine();
  log(`regcomp bench on ${machineLine(m)}`);
  log(`settings: ${settingsLine(options)}`);
  const suites: SuiteResult[] = [];
  const scales: ScaleResult[] = [];
  for (const backend of options.backends) {
    const large = await suite(backend, options, { rows: options.rows, accounts: options.accounts }, options.scenarios, true);
    suites.push(large);
    if (options.scale) {
      const small = await suite(backend, options, SMALL, SCALE_SCENARIOS, false);
      scales.push({ backend, small, large });
    }
  }
  const out = [`\nregcomp bench — ${machineLine(m)}`, ...suites.map((s) => formatSuite(s, options)), ...scales.map(formatScale)];
  process.stdout.write(out.join('\n\n') + '\n');
  const file = writeResults({ date: new Date().toISOString(), machine: m, options, suites, scales }, options.backends);
  log(`\nresults: ${path.relative(process.cwd(), file)}`);
}

async function abandon(code: number): Promise<never> {
  killAll();
  await Promise.allSettled([...cleanups].map((drop) => drop()));
  process.exit(code);
}

process.once('SIGINT', () => void abandon(130));

main().catch((err: unknown) => {
  log(`bench failed: ${String((err as Error)?.stack ?? err)}`);
  return abandon(1);
});

