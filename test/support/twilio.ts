import assert from 'node:assert/strict';

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

/** Asserts a Twilio-shaped error: status, code, a message matching, and no stack leaking. */
export async function expectTwilioError(response: Response, status: number, code: number, message: RegExp = /./): Promise<TwilioErrorBody> {
  const text = await response.text();
  assert.equal(response.status, status, `${response.url}: ${text}`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  const body = JSON.parse(text) as TwilioErrorBody;
  assert.equal(body.code, code, text);
  assert.equal(body.status, status);
  assert.equal(body.more_info, `https://www.twilio.com/docs/errors/${code}`);
  assert.match(body.message, message);
  assert.ok(!/at .*\.js:\d+|stack/i.test(text), `no stack trace: ${text}`);
  return body;
}
