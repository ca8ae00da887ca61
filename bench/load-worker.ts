import autocannon from 'autocannon';
import type { BenchRequest, LoadResult, LoadSpec } from './load.js';

/**
 * The load generator's process: receives one LoadSpec over IPC, runs the warm-up and the
 * measured phase with autocannon, and sends back a LoadResult. Latencies are recorded here
 * with sub-millisecond precision (autocannon's own histograms round to whole milliseconds).
 */
type Request = autocannon.Request;

interface Phase {
  requests: number;
  durationSec: number;
  perSecond: number[];
  latencies: Float64Array;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  exhausted: boolean;
}

type Created = NonNullable<LoadResult['created']>;

function toRequest(r: BenchRequest, created: Created | undefined): Request {
  const request: Request = { method: r.method, path: r.path, headers: r.headers };
  if (r.body !== undefined) request.body = r.body;
  if (created) {
    request.onResponse = (status: number, body: string) => {
      const match = status === 201 ? /"sid":"(IT[0-9a-f]{32})","account_sid":"(AC[0-9a-f]{32})"/.exec(body) : null;
      if (match) created.push({ sid: match[1]!, accountSid: match[2]! });
    };
  }
  return request;
}

/**
 * One list of requests per connection: disjoint slices (each request goes to one connection,
 * which cycles through its slice, or in `partition` mode sends it once), or, when there are
 * fewer requests than connections, the whole list from a different offset for each.
 * autocannon renders every request of a list into bytes when the connection is set up, so
 * slices also keep that cost down.
 */
function perConnection(requests: Request[], connections: number, mode: LoadSpec['mode']): Request[][] {
  const lists: Request[][] = [];
  for (let i = 0; i < connections; i++) {
    if (mode === 'partition' || requests.length >= connections) {
      lists.push(requests.filter((_, k) => k % connections === i));
    } else {
      const offset = Math.floor((i * requests.length) / connections);
      lists.push([...requests.slice(offset), ...requests.slice(0, offset)]);
    }
  }
  return lists;
}

function runPhase(spec: LoadSpec, requests: Request[], seconds: number, mode: LoadSpec['mode']): Promise<Phase> {
  const lists = perConnection(requests, spec.connections, mode);
  const perClientLimit = mode === 'partition' ? Math.min(...lists.map((l) => l.length)) : undefined;
  if (perClientLimit === 0) throw new Error(`too few requests (${requests.length}) for ${spec.connections} connections`);
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  let next = 0;
  let startedAt = performance.now();
  let lastResponseAt = startedAt;
  const perSecond: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.origin,
        connections: spec.connections,
        duration: seconds,
        pipelining: 1,
        timeout: 10,
        requests: [lists[0]![0]!],
        setupClient: (client) => client.setRequests(lists[next++ % lists.length]!),
        ...(perClientLimit === undefined ? {} : { maxConnectionRequests: perClientLimit }),
      },
      (err, result) => {
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        const statusCodes: Record<string, number> = {};
        for (const [code, { count: n }] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number(n);
        // From the start to the last response: autocannon's own duration runs to its next
        // one-second tick, which overstates a run that ended early because requests ran out.
        const durationSec = Math.min(result.duration, (lastResponseAt - startedAt) / 1000);
        resolve({
          requests: count,
          durationSec,
          // Whole seconds only: a last partial second would read as a slump.
          perSecond: perSecond.slice(0, Math.max(1, Math.floor(durationSec))),
          latencies: latencies.subarray(0, count),
          non2xx: result.non2xx,
          errors: result.errors,
          statusCodes,
          exhausted: perClientLimit !== undefined && durationSec < seconds - 0.5,
        });
      },
    );
    // Connections are set up (and their requests rendered) before this: time from here.
    instance.on('start', () => {
      startedAt = performance.now();
    });
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      if (count === latencies.length) {
        const bigger = new Float64Array(latencies.length * 2);
        bigger.set(latencies);
        latencies = bigger;
      }
      latencies[count++] = responseTime;
      lastResponseAt = performance.now();
      const second = Math.floor((lastResponseAt - startedAt) / 1000);
      while (perSecond.length <= second) perSecond.push(0);
      perSecond[second]!++;
    });
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const created: Created | undefined = spec.collectCreated ? [] : undefined;
  const requests = spec.requests.map((r) => toRequest(r, created));
  if (spec.warmupSec > 0) {
    if (spec.mode === 'rotate') await runPhase(spec, requests, spec.warmupSec, 'rotate');
    else if (spec.warmupRequests?.length) {
      await runPhase(spec, spec.warmupRequests.map((r) => toRequest(r, created)), spec.warmupSec, 'partition');
    }
  }
  process.send!({ measuring: true });
  const phase = await runPhase(spec, requests, spec.durationSec, spec.mode);
  const sorted = phase.latencies.slice().sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const seconds = [...phase.perSecond].sort((a, b) => a - b);
  const meanRps = phase.requests / phase.durationSec;
  return {
    requests: phase.requests,
    durationSec: phase.durationSec,
    // A run shorter than two seconds has no meaningful median.
    rps: seconds.length >= 2 ? (seconds[Math.floor((seconds.length - 1) / 2)]! + seconds[Math.ceil((seconds.length - 1) / 2)]!) / 2 : meanRps,
    meanRps,
    perSecond: phase.perSecond,
    otherCpu: null,
    serverCpuUs: null,
    latencyMs: {
      mean: sum / Math.max(1, sorted.length),
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted.length ? sorted[sorted.length - 1]! : NaN,
    },
    non2xx: phase.non2xx,
    errors: phase.errors,
    statusCodes: phase.statusCodes,
    exhausted: phase.exhausted,
    ...(created ? { created } : {}),
  };
}

process.once('message', (spec: LoadSpec) => {
  run(spec).then(
    (result) => process.send!({ ok: true, result }),
    (err: unknown) => process.send!({ ok: false, error: String((err as Error)?.stack ?? err) }),
  );
});
