import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { PageTokens } from '../src/twilio/paging.js';

// Tokens are remembered both ways (paging.ts); what is remembered must be exactly what a
// fresh instance, holding nothing yet, would compute.
describe('page tokens remembered', () => {
  const secret = randomBytes(32);
  const scope = JSON.stringify(['AC' + 'a'.repeat(32), '/v2/RegulatoryCompliance/EndUsers', []]);

  test('a remembered token is the one a fresh instance mints, and opens on it', () => {
    const tokens = new PageTokens(secret);
    const first = tokens.mint(scope, { direction: 'next', key: 42 });
    assert.equal(tokens.mint(scope, { direction: 'next', key: 42 }), first);
    const fresh = new PageTokens(secret);
    assert.equal(fresh.mint(scope, { direction: 'next', key: 42 }), first);
    assert.deepEqual(fresh.read(scope, first), { direction: 'next', key: 42 });
    assert.notEqual(tokens.mint(scope, { direction: 'next', key: 43 }), first);
    assert.notEqual(tokens.mint(scope, { direction: 'previous', key: 42 }), first);
    assert.notEqual(tokens.mint(scope, { direction: 'next', key: 42, sort: 'x' }), first);
  });

  test('a token read twice opens the same, and a caller changing its cursor changes nothing', () => {
    const tokens = new PageTokens(secret);
    const token = tokens.mint(scope, { direction: 'previous', key: 7, sort: '2026-01-01' });
    const cursor = tokens.read(scope, token);
    assert.deepEqual(cursor, { direction: 'previous', key: 7, sort: '2026-01-01' });
    cursor.key = 8;
    assert.deepEqual(tokens.read(scope, token), { direction: 'previous', key: 7, sort: '2026-01-01' });
  });

  test('a remembered token still opens only for its own scope, and garbage is refused every time', () => {
    const tokens = new PageTokens(secret);
    const token = tokens.mint(scope, { direction: 'next', key: 1 });
    tokens.read(scope, token);
    const other = JSON.stringify(['AC' + 'b'.repeat(32), '/v2/RegulatoryCompliance/EndUsers', []]);
    const invalid = (err: { code?: number }) => err.code === 21481;
    assert.throws(() => tokens.read(other, token), invalid);
    const forged = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    for (let i = 0; i < 3; i++) assert.throws(() => tokens.read(scope, forged), invalid);
    assert.throws(() => new PageTokens(randomBytes(32)).read(scope, token), invalid);
  });

  test('many distinct pages evict old entries without changing any answer', () => {
    const tokens = new PageTokens(secret);
    const fresh = new PageTokens(secret);
    const minted = Array.from({ length: 10_000 }, (_, key) => tokens.mint(scope, { direction: 'next', key }));
    for (const key of [0, 1, 5_000, 9_999]) {
      assert.equal(fresh.mint(scope, { direction: 'next', key }), minted[key]);
      assert.deepEqual(tokens.read(scope, minted[key]!), { direction: 'next', key });
    }
  });
});
