import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DatabaseUnavailableError } from '../src/store/db.js';
import { TurnBatcher } from '../src/store/turn-batcher.js';

function recorder(failMany?: Error) {
  const calls: { kind: 'one' | 'many'; items: number[] }[] = [];
  const batcher = new TurnBatcher<number, string>(
    async (n) => {
      calls.push({ kind: 'one', items: [n] });
      if (n < 0) throw new Error(`bad ${n}`);
      return Promise.resolve(`one:${n}`);
    },
    async (ns) => {
      calls.push({ kind: 'many', items: ns });
      if (failMany !== undefined || ns.some((n) => n < 0)) throw failMany ?? new Error('a bad item');
      return Promise.resolve(ns.map((n) => `many:${n}`));
    },
    3,
  );
  return { calls, batcher };
}

describe('TurnBatcher', () => {
  test('the calls of one turn go out together, in chunks of at most maxItems, each answered by its own result', async () => {
    const { calls, batcher } = recorder();
    const results = await Promise.all([1, 2, 3, 4].map((n) => batcher.add(n)));
    assert.deepEqual(results, ['many:1', 'many:2', 'many:3', 'one:4']);
    assert.deepEqual(calls, [
      { kind: 'many', items: [1, 2, 3] },
      { kind: 'one', items: [4] },
    ]);
    // A later turn is a new batch.
    assert.equal(await batcher.add(5), 'one:5');
  });

  test('when the batch fails, each item is tried alone and fails or succeeds on its own', async () => {
    const { calls, batcher } = recorder();
    const results = await Promise.allSettled([1, -2, 3].map((n) => batcher.add(n)));
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value : String((r.reason as Error).message))),
      ['one:1', 'bad -2', 'one:3'],
    );
    assert.equal(calls.filter((c) => c.kind === 'one').length, 3);
  });

  test('an unreachable database fails the whole batch at once, with no retries', async () => {
    const { calls, batcher } = recorder(new DatabaseUnavailableError(new Error('down')));
    const results = await Promise.allSettled([1, 2].map((n) => batcher.add(n)));
    assert.ok(results.every((r) => r.status === 'rejected' && r.reason instanceof DatabaseUnavailableError));
    assert.deepEqual(calls, [{ kind: 'many', items: [1, 2] }]);
  });
});
