import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ATTRIBUTE_LIMITS } from '../src/twilio/params.js';
import { TwilioError } from '../src/twilio/errors.js';
import { compactJsonObject } from '../src/twilio/json-object.js';

const compact = (text: string) => compactJsonObject(text, 'Attributes', ATTRIBUTE_LIMITS);

function refused(text: string, code: number, message: RegExp): void {
  assert.throws(
    () => compact(text),
    (err: unknown) => err instanceof TwilioError && err.code === code && message.test(err.message),
  );
}

describe('compactJsonObject', () => {
  test('removes white space outside strings only, and keeps key order', () => {
    assert.equal(compact(' { "b" : 1 ,\n\t"a b" : [ 1 , "x  y" ] , "3": { } }\r\n'), '{"b":1,"a b":[1,"x  y"],"3":{}}');
  });

  test('keeps escapes, quotes and non-ASCII text exactly', () => {
    const text = '{"q":"say \\"hi\\" \\\\ ","u":"\\u00e9 é 😀","k\\"ey":true}';
    assert.equal(compact(text), text);
    assert.deepEqual(JSON.parse(compact(text)), { q: 'say "hi" \\ ', u: 'é é 😀', 'k"ey': true });
  });

  test('refuses duplicate keys, also when written with escapes', () => {
    refused('{"a":1,"a":2}', 22207, /repeats the key "a"/);
    refused('{"a":1,"\\u0061":2}', 22207, /repeats the key "a"/);
    assert.equal(compact('{"a":{"a":1},"b":{"a":2}}'), '{"a":{"a":1},"b":{"a":2}}');
  });

  test('refuses what is not one JSON object', () => {
    for (const text of ['', ' ', '[]', '1', '"s"', 'true', 'null', '{', '{"a" 1}', "{'a':1}", '{"a":1}{}', '{"a":01}', '{"a":"\u0001"}']) {
      refused(text, 22207, /Attributes/);
    }
  });

  test('depth is counted without recursion, so absurd nesting is a clean error', () => {
    assert.equal(compact('{"a":' + '['.repeat(7) + ']'.repeat(7) + '}'), '{"a":' + '['.repeat(7) + ']'.repeat(7) + '}');
    refused('{"a":' + '['.repeat(8) + ']'.repeat(8) + '}', 20001, /nested deeper than the limit of 8 levels/);
    refused('{"a":' + '['.repeat(1_000_000) + ']'.repeat(1_000_000) + '}', 20001, /nested deeper/);
    // Not JSON at all (never closed): 22207 before any limit.
    refused('['.repeat(1_000_000), 22207, /not valid JSON/);
  });
});
