import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resources } from '../src/resources/index.js';
import { migrations } from '../src/store/migrations.js';
import { transferTables } from '../src/transfer/tables.js';

test('every dependency a resource names is registered before it: migrations and export follow', () => {
  const position = new Map(resources.map((r, i) => [r.name, i]));
  const firstMigration = (name: string) => resources.find((r) => r.name === name)!.migrations.map((m) => m.id).sort()[0];
  for (const [i, resource] of resources.entries()) {
    for (const dependency of resource.dependsOn ?? []) {
      assert.ok(position.has(dependency), `${resource.name} depends on an unknown resource ${dependency}`);
      assert.ok(position.get(dependency)! < i, `${resource.name} is registered before ${dependency}, which it depends on`);
      const mine = firstMigration(resource.name);
      const theirs = firstMigration(dependency);
      if (mine !== undefined && theirs !== undefined) assert.ok(theirs < mine, `${resource.name}'s tables are made before ${dependency}'s`);
    }
  }
});

test('migration ids and export kinds are unique', () => {
  const ids = migrations.map((m) => m.id);
  assert.equal(new Set(ids).size, ids.length, ids.join());
  const kinds = transferTables.map((t) => t.kind);
  assert.equal(new Set(kinds).size, kinds.length, kinds.join());
});
