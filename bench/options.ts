import { parseArgs } from 'node:util';

export type BackendName = 'sqlite' | 'postgres';

export const SCENARIOS = ['fetch', 'create', 'update', 'delete', 'list', 'deep', 'list-miss', 'bundle-fetch', 'assign', 'evaluate'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  backends: BackendName[];
  rows: number;
  accounts: number;
  /** How many seeded accounts the load is spread over (each costs one scrypt to warm up). */
  loadAccounts: number;
  connections: number;
  durationSec: number;
  warmupSec: number;
  scenarios: ScenarioName[];
  /** Also measure fetch, create, first page and deep page on a 10,000-row store. */
  scale: boolean;
  pgUrl: string;
  /** Write a CPU profile of the server (node --cpu-prof) into bench/results/. */
  cpuProf: boolean;
  /** Record the server with Linux perf (CPU time, every thread); the perf.data lands in bench/results/. */
  perf: boolean;
  /** Skip the bare node:http and Fastify reference servers. */
  noReference: boolean;
  /** Runs again when other work on the machine disturbed a measurement. */
  retries: number;
  /** An already seeded store to use as it is (and keep): for quick iterations. */
  store: { url: string; token: string } | undefined;
}

const HELP = `npm run bench -- [options]

Seeds a fresh store, starts the server as its own process, drives it with autocannon from
another process, and compares every figure with a bare node:http server on this machine.

  --backend sqlite|postgres|both   store to measure (default sqlite)
  --rows N                         end users to seed (default 1000000)
  --accounts N                     accounts to spread them over (default 1000)
  --load-accounts N                accounts the load uses (default 100)
  --connections N                  concurrent connections (default 20)
  --duration S                     seconds measured per scenario (default 10)
  --warmup S                       seconds of warm-up before each (default 3)
  --only a,b                       scenarios to run: ${SCENARIOS.join(', ')}
  --scale                          also run fetch/create/list/deep on a 10,000-row store
                                   and print the cost ratios between the two stores
  --no-reference                   skip the node:http and Fastify reference servers
  --retries N                      measure again, up to N times, when other work on the
                                   machine took >10% of its CPU meanwhile (default 2)
  --pg-url URL                     PostgreSQL (default $PG_TEST_URL or postgres://postgres@127.0.0.1:5432/test)
  --cpu-prof                       profile the server; the .cpuprofile lands in bench/results/
  --perf                           record the server's CPU time with Linux perf (needs perf);
                                   read it with \`perf report -i bench/results/….perf.data\`
  --store URL --token T            use a store seeded before with \`regcomp seed --token T\`, as it
                                   is (create, update and delete change it; it is kept)
`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      backend: { type: 'string', default: 'sqlite' },
      rows: { type: 'string', default: '1000000' },
      accounts: { type: 'string', default: '1000' },
      'load-accounts': { type: 'string', default: '100' },
      connections: { type: 'string', default: '20' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      only: { type: 'string' },
      scale: { type: 'boolean', default: false },
      'no-reference': { type: 'boolean', default: false },
      'pg-url': { type: 'string', default: process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
      'cpu-prof': { type: 'boolean', default: false },
      perf: { type: 'boolean', default: false },
      retries: { type: 'string', default: '2' },
      store: { type: 'string' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const backend = values.backend;
  if (backend !== 'sqlite' && backend !== 'postgres' && backend !== 'both') {
    throw new Error(`--backend must be sqlite, postgres or both, got ${backend}`);
  }
  const scenarios = values.only === undefined ? [...SCENARIOS] : values.only.split(',').map((s) => s.trim());
  for (const s of scenarios) {
    if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`--only: unknown scenario ${s} (${SCENARIOS.join(', ')})`);
  }
  const options: BenchOptions = {
    backends: backend === 'both' ? ['sqlite', 'postgres'] : [backend],
    rows: whole('rows', values.rows, 1),
    accounts: whole('accounts', values.accounts, 1),
    loadAccounts: whole('load-accounts', values['load-accounts'], 1),
    connections: whole('connections', values.connections, 1),
    durationSec: whole('duration', values.duration, 1),
    warmupSec: whole('warmup', values.warmup, 0),
    scenarios: scenarios as ScenarioName[],
    scale: values.scale,
    pgUrl: values['pg-url'],
    cpuProf: values['cpu-prof'],
    perf: values.perf,
    noReference: values['no-reference'],
    retries: whole('retries', values.retries, 0),
    store: undefined,
  };
  if (values.store !== undefined) {
    if (values.token === undefined) throw new Error('--store needs the --token its accounts were seeded with');
    if (options.scale || backend === 'both') throw new Error('--store measures that one store: no --scale, no --backend both');
    options.store = { url: values.store, token: values.token };
    options.backends = [values.store.startsWith('sqlite:') ? 'sqlite' : 'postgres'];
  }
  options.loadAccounts = Math.min(options.loadAccounts, options.accounts);
  return options;
}

function whole(name: string, raw: string, min: number): number {
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}, got ${raw}`);
  return n;
}
