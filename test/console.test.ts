import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { Accounts } from '../src/accounts/accounts.js';
import { backends } from './support/backends.js';
import type { Browser } from './support/browser.js';
import { launchBrowser, screenshotPath } from './support/browser.js';
import { smallPdf } from './support/documents.js';
import type { Receiver } from './support/receiver.js';
import { startReceiver } from './support/receiver.js';
import type { Credentials, TestServer } from './support/server.js';
import { serverFor } from './support/server.js';

const GERMANY = 'RNfd11dde5d4b7252abf96139766f68034';
/** The reviewer is the person at the console: nothing decides a submitted bundle by itself. */
const MANUAL = { REVIEW_POLICY: 'manual', BACKGROUND_TICK_MS: '20' };

interface Requirements {
  end_user: { type: string; fields: string[] }[];
  supporting_document: { accepted_documents: { type: string; fields: string[] }[] }[][];
}

function valuesFor(fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, f === 'address_sids' ? [`AD${'a'.repeat(32)}`] : f === 'email' ? 'ops@acme.example' : `${f} of Acme`]));
}

/** A compliant German business bundle, made and submitted through the real SDK. */
async function submittedBundle(server: TestServer, name: string, statusCallback: string): Promise<string> {
  const rc = server.sdk().numbers.v2.regulatoryCompliance;
  const requirements = (await rc.regulations(GERMANY).fetch()).requirements as Requirements;
  const objects: { sid: string }[] = [await rc.endUsers.create({ friendlyName: `${name} owner`, type: 'business', attributes: valuesFor(requirements.end_user[0]!.fields) })];
  for (const requirement of requirements.supporting_document.flat()) {
    const accepted = requirement.accepted_documents[0]!;
    objects.push(await rc.supportingDocuments.create({ friendlyName: `${name} ${accepted.type}`, type: accepted.type, attributes: valuesFor(accepted.fields) }));
  }
  const bundle = await rc.bundles.create({ friendlyName: name, email: 'ops@acme.example', regulationSid: GERMANY, statusCallback });
  for (const object of objects) await rc.bundles(bundle.sid).itemAssignments.create({ objectSid: object.sid });
  await rc.bundles(bundle.sid).update({ status: 'pending-review' });
  return bundle.sid;
}

async function signIn(page: Page, server: TestServer, credentials: Credentials = server.account): Promise<void> {
  await page.goto(`${server.origin}/console/`);
  // By keyboard alone: the form's fields come in order and Enter submits.
  await page.getByLabel('Account SID').focus();
  await page.keyboard.type(credentials.sid);
  await page.keyboard.press('Tab');
  await page.keyboard.type(credentials.token);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Bundles' }).waitFor();
}

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(() => browser?.close());

for (const backend of backends) {
  describe(`the console in a real browser (${backend.name})`, () => {
    const server = serverFor(backend, MANUAL);
    let receiver: Receiver;
    let page: Page;
    const shot = (name: string) => page.screenshot({ path: screenshotPath(`${backend.name}-${name}`), fullPage: true });
    before(async () => {
      receiver = await startReceiver();
      // An answer no default would give, so the console must show the one the receiver sent.
      receiver.status = () => 202;
    });
    after(() => receiver?.close());
    before(async () => {
      page = await browser.context.newPage();
    });
    after(() => page?.close());

    test('a wrong token is refused with a clear message, and nothing is kept', async () => {
      await page.goto(`${server.origin}/console/`);
      await page.getByLabel('Account SID').fill(server.account.sid);
      await page.getByLabel('Auth Token or API key secret').fill(`${server.account.token}x`);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'Authentication Error' }).waitFor();
      assert.match(await page.getByRole('alert').innerText(), /error 20003/);
      assert.equal(await page.evaluate('sessionStorage.length'), 0);
      await page.getByLabel('Account SID').fill('not-a-sid');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'AC followed by 32' }).waitFor();
    });

    test('signed in, the end users made through the SDK are listed, paged and searchable; others’ are not', async () => {
      const rc = server.sdk().numbers.v2.regulatoryCompliance;
      for (let i = 1; i <= 24; i++) await rc.endUsers.create({ friendlyName: `Person ${String(i).padStart(2, '0')}`, type: 'individual' });
      const acme = await rc.endUsers.create({ friendlyName: 'Acme GmbH', type: 'business', attributes: { business_name: 'Acme GmbH', business_website: 'https://acme.example' } });
      const other = await server.newAccount();
      const hidden = await server.sdk(other).numbers.v2.regulatoryCompliance.endUsers.create({ friendlyName: 'Acme of another account', type: 'business' });

      await signIn(page, server);
      assert.match(await page.evaluate('JSON.stringify(Object.keys(sessionStorage))'), /regcomp\.console\.credentials/);
      await page.getByRole('link', { name: 'End-Users' }).click();
      await page.getByRole('link', { name: 'Person 01' }).waitFor();
      assert.equal(await page.getByRole('link', { name: 'Person 20' }).count(), 1);
      assert.equal(await page.getByRole('link', { name: 'Acme GmbH' }).count(), 0, 'the second page is not loaded yet');
      await page.getByRole('button', { name: 'Next page →' }).click();
      await page.getByRole('link', { name: 'Acme GmbH' }).waitFor();
      assert.equal(await page.getByRole('link', { name: 'Person 01' }).count(), 0);
      await shot('end-users');

      await page.getByLabel('Search by friendly name').fill('acme');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('link', { name: 'Person 21' }).waitFor({ state: 'detached' });
      const names = await page.locator('tbody td:first-child').allInnerTexts();
      assert.deepEqual(names, ['Acme GmbH'], 'matches in any case, never another account’s');

      await page.getByRole('link', { name: 'Acme GmbH' }).click();
      await page.getByRole('heading', { level: 1, name: 'Acme GmbH' }).waitFor();
      assert.match(await page.locator('main').innerText(), /business_website\s+https:\/\/acme\.example/);
      assert.match(await page.locator('main').innerText(), new RegExp(acme.sid));

      await page.goto(`${server.origin}/console/end-users/${hidden.sid}`);
      await page.getByRole('alert').filter({ hasText: 'was not found' }).waitFor();
    });

    test('create and delete an end user', async () => {
      await page.goto(`${server.origin}/console/end-users`);
      await page.getByLabel('Friendly name', { exact: true }).fill('Made in the console');
      await page.getByLabel('Type').selectOption('business');
      await page.getByLabel('Attributes (JSON object)').fill('{"business_name": "Console Ltd"}');
      await page.getByRole('button', { name: 'Create end user' }).click();
      await page.getByRole('heading', { level: 1, name: 'Made in the console' }).waitFor();
      const sid = /\/end-users\/(IT[0-9a-f]{32})$/.exec(page.url())?.[1];
      assert.ok(sid, page.url());
      const made = await server.sdk().numbers.v2.regulatoryCompliance.endUsers(sid).fetch();
      assert.deepEqual(made.attributes, { business_name: 'Console Ltd' });

      page.once('dialog', (dialog) => void dialog.accept());
      await page.getByRole('button', { name: 'Delete end user' }).click();
      await page.getByRole('heading', { level: 1, name: 'End-Users' }).waitFor();
      assert.equal((await server.request('GET', `/v2/RegulatoryCompliance/EndUsers/${sid}`)).status, 404);
    });

    test('upload a document with its file, preview and download it', async () => {
      const pdf = smallPdf('Acme GmbH register excerpt');
      await page.goto(`${server.origin}/console/documents`);
      await page.getByLabel('Friendly name', { exact: true }).fill('Register excerpt');
      await page.getByLabel('Document type').selectOption('commercial_registrar_excerpt');
      await page.getByLabel('Attributes (JSON object)').fill('{"business_name": "Acme GmbH"}');
      await page.getByLabel('File (optional)').setInputFiles({ name: 'excerpt.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdf) });
      await page.getByRole('button', { name: 'Upload document' }).click();
      await page.getByRole('heading', { level: 1, name: 'Register excerpt' }).waitFor();
      const download = page.waitForEvent('download');
      await page.getByRole('link', { name: /Download file/ }).click();
      const saved = await (await download).path();
      assert.deepEqual(new Uint8Array(fs.readFileSync(saved)), new Uint8Array(pdf));
      assert.equal(await page.locator('iframe.preview').count(), 1);
      await shot('document');
    });

    test('evaluate a submitted bundle, approve it with valid_until, and see the callback delivered', async () => {
      const sid = await submittedBundle(server, 'Acme DE', receiver.url);
      await receiver.waitFor((r) => r.length >= 1);
      await page.goto(`${server.origin}/console/bundles`);
      await page.getByLabel('Status').selectOption('pending-review');
      await page.getByRole('link', { name: 'Acme DE' }).click();
      await page.getByRole('heading', { level: 1, name: 'Acme DE' }).waitFor();
      await page.getByRole('link', { name: 'Acme DE owner' }).waitFor();

      await page.getByRole('button', { name: 'Evaluate now' }).click();
      await page.getByText(/^Compliant: \d+ of \d+ requirements met/).waitFor();
      assert.equal(await page.locator('.checklist li.fail').count(), 0);
      assert.ok((await page.locator('.checklist > ul > li.pass').count()) >= 2);

      await page.getByLabel('Valid until (date, UTC)').fill('2027-06-30');
      await page.getByRole('button', { name: 'Approve' }).click();
      await page.getByRole('status').filter({ hasText: 'The bundle is now twilio-approved.' }).waitFor();
      const received = await receiver.waitFor((r) => r.length >= 2);
      assert.match(received[1]!.body, /Status=twilio-approved/);
      // The delivery appears by itself, with the receiver's own response code.
      const approved = page.locator('table.callbacks tbody tr', { hasText: 'twilio-approved' });
      await approved.locator('.response-code', { hasText: '202' }).waitFor();
      assert.match(await approved.innerText(), /delivered/);
      assert.match(await page.locator('ol.history').innerText(), /draft[\s\S]*pending-review[\s\S]*twilio-approved/);
      const bundle = await server.sdk().numbers.v2.regulatoryCompliance.bundles(sid).fetch();
      assert.equal(bundle.status, 'twilio-approved');
      assert.equal(bundle.validUntil?.toISOString(), '2027-06-30T00:00:00.000Z');
      await shot('bundle');
    });

    test('reject a bundle with a reason, then set its valid_until alone', async () => {
      const sid = await submittedBundle(server, 'Acme Rejected', receiver.url);
      await page.goto(`${server.origin}/console/bundles/${sid}`);
      await page.getByRole('heading', { level: 1, name: 'Acme Rejected' }).waitFor();
      await page.getByLabel('Failure reason').fill('The address is a PO box');
      await page.getByRole('button', { name: 'Reject' }).click();
      await page.locator('.facts').filter({ hasText: 'The address is a PO box' }).waitFor();
      const rejected = await server.sdk().numbers.v2.regulatoryCompliance.bundles(sid).fetch();
      assert.equal(rejected.status, 'twilio-rejected');
      await receiver.waitFor((r) => r.some((x) => x.body.includes(sid) && x.body.includes('FailureReason=The+address+is+a+PO+box')));

      await page.getByLabel('Valid until (date, UTC)').fill('2028-01-15');
      await page.getByRole('button', { name: 'Set valid until' }).click();
      await page.getByRole('status').filter({ hasText: 'valid_until is now 2028-01-15.' }).waitFor();
      const dated = await server.sdk().numbers.v2.regulatoryCompliance.bundles(sid).fetch();
      assert.equal(dated.validUntil?.toISOString(), '2028-01-15T00:00:00.000Z');
      assert.equal(dated.status, 'twilio-rejected');
    });

    test('regulations in plain words, the API keys without secrets, and a narrow window', async () => {
      const key = await new Accounts(server.db).createKey(server.account.sid, 'ci key');
      await page.goto(`${server.origin}/console/regulations/${GERMANY}`);
      await page.getByRole('heading', { level: 1, name: /Germany/ }).waitFor();
      assert.match(await page.locator('main').innerText(), /a bundle needs:/);
      await shot('regulation');
      await page.goto(`${server.origin}/console/keys`);
      await page.getByRole('cell', { name: key!.sid }).waitFor();
      assert.equal((await page.content()).includes(key!.secret), false);

      await page.setViewportSize({ width: 360, height: 800 });
      try {
        await page.goto(`${server.origin}/console/bundles`);
        await page.getByRole('link', { name: 'Acme DE' }).click();
        await page.getByRole('button', { name: 'Approve' }).waitFor();
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
        assert.ok(overflow <= 0, `the page is ${overflow}px wider than a 360px window`);
        await shot('bundle-narrow');
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 });
      }
    });

    test('signing out forgets the credentials', async () => {
      await page.goto(`${server.origin}/console/bundles`);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in to the regcomp console' }).waitFor();
      assert.equal(await page.evaluate('sessionStorage.length'), 0);
    });
  });
}
