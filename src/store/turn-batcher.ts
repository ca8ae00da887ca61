import { DatabaseUnavailableError } from './db.js';

interface Waiting<In, Out> {
  item: In;
  resolve(value: Out): void;
  reject(reason: unknown): void;
}

/**
 * Coalesces the calls made during one turn of the event loop into one call for them all —
 * for a store, many single-row INSERTs into one multi-row INSERT: one round trip, one
 * statement, one commit instead of one each.
 *
 * `many` must answer with one result per item, in the items' order. When it fails for any
 * reason but an unreachable database, each item is tried again alone through `one`, so every
 * caller gets the answer (or the error) its own call would have had.
 */
export class TurnBatcher<In, Out> {
  private queue: Waiting<In, Out>[] = [];

  constructor(
    private readonly one: (item: In) => Promise<Out>,
    private readonly many: (items: In[]) => Promise<Out[]>,
    private readonly maxItems = 100,
  ) {}

  add(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      // After this turn's I/O callbacks (and the promise chains they start) have all queued.
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const queued = this.queue;
    this.queue = [];
    for (let start = 0; start < queued.length; start += this.maxItems) void this.settle(queued.slice(start, start + this.maxItems));
  }

  private async settle(batch: Waiting<In, Out>[]): Promise<void> {
    if (batch.length === 1) return this.alone(batch[0]!);
    let results: Out[];
    try {
      results = await this.many(batch.map((w) => w.item));
      if (results.length !== batch.length) throw new Error(`expected ${batch.length} results, got ${results.length}`);
    } catch (err) {
      if (err instanceof DatabaseUnavailableError) for (const w of batch) w.reject(err);
      else await Promise.all(batch.map((w) => this.alone(w)));
      return;
    }
    batch.forEach((w, i) => w.resolve(results[i]!));
  }

  private async alone(w: Waiting<In, Out>): Promise<void> {
    try {
      w.resolve(await this.one(w.item));
    } catch (err) {
      w.reject(err);
    }
  }
}
