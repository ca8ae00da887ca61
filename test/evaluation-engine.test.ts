import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';
import { loadConfig } from '../src/config.js';
import { loadCatalogues } from '../src/resources/catalogues.js';
import type { EvaluatedItem, EvaluationResult } from '../src/resources/evaluations/engine.js';
import { evaluate } from '../src/resources/evaluations/engine.js';
import { article } from '../src/resources/evaluations/messages.js';
import type { Regulation, RequirementField } from '../src/resources/regulations/regulation.js';
import { regulationJson } from '../src/resources/regulations/view.js';
import { projectRoot } from './support/paths.js';

const catalogues = loadCatalogues(loadConfig({}));
const GERMANY_LOCAL_BUSINESS = 'RNfd11dde5d4b7252abf96139766f68034';
const ADDRESS = 'ADaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';

function regulation(sid: string): Regulation {
  const found = catalogues.regulations.findBySid(sid);
  assert.ok(found, sid);
  return found;
}

function regulationOf(isoCountry: string, numberType: string, endUserType: string): Regulation {
  const found = catalogues.regulations.findByNumberGroup(isoCountry, numberType, endUserType);
  assert.ok(found, `${isoCountry} ${numberType} ${endUserType}`);
  return found;
}

let sids = 0;
const endUser = (type: string, attributes: Record<string, unknown>): EvaluatedItem => ({ sid: `IT${++sids}`, kind: 'end_user', type, attributes });
const document = (type: string, attributes: Record<string, unknown>): EvaluatedItem => ({ sid: `RD${++sids}`, kind: 'supporting_document', type, attributes });

const germanBusiness = {
  business_name: 'Muster GmbH',
  business_registration_number: 'HRB 12345',
  business_website: 'https://muster.example',
  first_name: 'Erika',
  last_name: 'Mustermann',
  email: 'erika@muster.example',
  comments: 'none',
};
const germanExcerpt = { business_name: 'Muster GmbH', business_registration_number: 'HRB 12345', address_sids: [ADDRESS] };

function without(attributes: Record<string, unknown>, field: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(attributes).filter(([name]) => name !== field));
}

function byName(results: readonly EvaluationResult[], requirementName: string): EvaluationResult {
  const found = results.find((r) => r.requirement_name === requirementName);
  assert.ok(found, requirementName);
  return found;
}

const passing = (field: string) => ({ object_field: field, error_code: null, friendly_name: field.replaceAll('_', ' '), passed: true, failure_reason: null });

describe('evaluation engine', () => {
  test("France: Local - Business with nothing assigned is exactly Twilio's OpenAPI create example", () => {
    const spec = JSON.parse(fs.readFileSync(`${projectRoot}/vendor/twilio-oai/twilio_numbers_v2.json`, 'utf8')) as {
      paths: Record<string, { post: { responses: Record<string, { content: Record<string, { examples: Record<string, { value: { status: string; results: unknown[] } }> }> }> } }>;
    };
    const example = spec.paths['/v2/RegulatoryCompliance/Bundles/{BundleSid}/Evaluations']?.post.responses['201']?.content['application/json']?.examples['create']?.value;
    assert.ok(example);
    const evaluation = evaluate(regulationOf('FR', 'local', 'business'), [], catalogues);
    assert.equal(evaluation.status, example.status);
    assert.deepEqual(evaluation.results, example.results);
    // Key order too: JSON.stringify is what the route will send.
    assert.equal(JSON.stringify(evaluation.results), JSON.stringify(example.results));
  });

  test('a complete German business bundle is compliant: every result passed, nothing invalid, every field valid', () => {
    const germany = regulation(GERMANY_LOCAL_BUSINESS);
    const evaluation = evaluate(germany, [endUser('business', germanBusiness), document('commercial_registrar_excerpt', germanExcerpt)], catalogues);
    assert.equal(evaluation.status, 'compliant');
    assert.deepEqual(
      evaluation.results.map((r) => r.requirement_name),
      ['business_info', 'proof_of_registration_info', 'proof_of_business_identity_info', 'proof_of_address_info'],
    );
    for (const r of evaluation.results) {
      assert.deepEqual(Object.keys(r), ['friendly_name', 'object_type', 'passed', 'failure_reason', 'error_code', 'valid', 'invalid', 'requirement_friendly_name', 'requirement_name']);
      assert.equal(r.passed, true);
      assert.equal(r.failure_reason, null);
      assert.equal(r.error_code, null);
      assert.deepEqual(r.invalid, []);
    }
    const [business, registration, identity, address] = evaluation.results;
    assert.deepEqual(business, {
      friendly_name: 'Business',
      object_type: 'business',
      passed: true,
      failure_reason: null,
      error_code: null,
      valid: ['business_name', 'business_registration_number', 'business_website', 'first_name', 'last_name', 'email', 'comments'].map(passing),
      invalid: [],
      requirement_friendly_name: 'Business',
      requirement_name: 'business_info',
    });
    assert.equal(registration?.friendly_name, 'Excerpt from the commercial register (Handelsregisterauszug)');
    assert.equal(registration?.object_type, 'commercial_registrar_excerpt');
    assert.deepEqual(registration?.valid, [passing('business_registration_number')]);
    assert.deepEqual(identity?.valid, [passing('business_name')]);
    // The captured TrustHub shape, key order included.
    assert.equal(JSON.stringify(address?.valid), '[{"object_field":"address_sids","error_code":null,"friendly_name":"address sids","passed":true,"failure_reason":null}]');
  });

  test('a missing End-User field fails with 22215, the result carrying the first invalid entry', () => {
    const withoutEmail = without(germanBusiness, 'email');
    const evaluation = evaluate(regulation(GERMANY_LOCAL_BUSINESS), [endUser('business', withoutEmail), document('commercial_registrar_excerpt', germanExcerpt)], catalogues);
    assert.equal(evaluation.status, 'noncompliant');
    const business = byName(evaluation.results, 'business_info');
    // The regulation's friendly name for the field, with "an" before its vowel.
    const reason = "The Authorized Representative's Contact Email is missing. Please enter in an Authorized Representative's Contact Email on the Business information.";
    assert.equal(business.passed, false);
    assert.equal(business.failure_reason, reason);
    assert.equal(business.error_code, 22215);
    assert.deepEqual(business.invalid, [{ friendly_name: "Authorized Representative's Contact Email", object_field: 'email', failure_reason: reason, error_code: 22215 }]);
    assert.equal(business.valid.length, 6);
    assert.ok(evaluation.results.slice(1).every((r) => r.passed));
  });

  test('blank strings, null and empty arrays count as missing', () => {
    const evaluation = evaluate(regulation(GERMANY_LOCAL_BUSINESS), [endUser('business', { ...germanBusiness, email: '  ', business_website: null })], catalogues);
    assert.deepEqual(
      byName(evaluation.results, 'business_info').invalid.map((i) => i.object_field),
      ['business_website', 'email'],
    );
  });

  test('an assigned document missing a field fails with 22217, worded as in the example', () => {
    const items = [
      endUser('business', { business_name: 'Exemple SARL', business_registration_number: '123', first_name: 'Marie', last_name: 'Curie' }),
      document('commercial_registrar_excerpt', { business_name: 'Exemple SARL', address_sids: [ADDRESS] }),
    ];
    const number = byName(evaluate(regulationOf('FR', 'local', 'business'), items, catalogues).results, 'business_reg_no_info');
    const reason = 'The Document Number is missing. Please enter in the Document Number shown on the Excerpt from the commercial register (Extrait K-bis).';
    assert.equal(number.friendly_name, 'Excerpt from the commercial register (Extrait K-bis)');
    assert.equal(number.failure_reason, reason);
    assert.equal(number.error_code, 22217);
    assert.deepEqual(number.invalid, [{ friendly_name: 'Document Number', object_field: 'document_number', failure_reason: reason, error_code: 22217 }]);
  });

  test('a document name that differs from the End-User fails with 22218', () => {
    const items = [endUser('business', germanBusiness), document('commercial_registrar_excerpt', { ...germanExcerpt, business_name: 'Muster AG' })];
    const evaluation = evaluate(regulation(GERMANY_LOCAL_BUSINESS), items, catalogues);
    assert.equal(evaluation.status, 'noncompliant');
    const identity = byName(evaluation.results, 'proof_of_business_identity_info');
    const reason =
      'The Business Name does not match the Business Name you entered within Business information. Please enter in the Business Name shown on the Excerpt from the commercial register (Handelsregisterauszug) or make sure both Business Name fields use the same exact inputs.';
    assert.deepEqual(identity.invalid, [{ friendly_name: 'Business Name', object_field: 'business_name', failure_reason: reason, error_code: 22218 }]);
    assert.equal(identity.failure_reason, reason);
    assert.equal(identity.error_code, 22218);
    assert.equal(byName(evaluation.results, 'proof_of_registration_info').passed, true);
  });

  test('an empty address_sids fails with 22219', () => {
    const items = [endUser('business', germanBusiness), document('commercial_registrar_excerpt', { ...germanExcerpt, address_sids: [] })];
    const address = byName(evaluate(regulation(GERMANY_LOCAL_BUSINESS), items, catalogues).results, 'proof_of_address_info');
    const reason = 'The Address is missing. Please enter in the address shown on the Excerpt from the commercial register (Handelsregisterauszug).';
    assert.equal(address.passed, false);
    assert.equal(address.error_code, 22219);
    assert.deepEqual(address.invalid, [{ friendly_name: 'Address sid(s)', object_field: 'address_sids', failure_reason: reason, error_code: 22219 }]);
    assert.deepEqual(address.valid, []);
  });

  test('items of a type no requirement accepts are ignored: the requirements stay missing', () => {
    const items = [endUser('individual', germanBusiness), document('passport', germanExcerpt)];
    const evaluation = evaluate(regulation(GERMANY_LOCAL_BUSINESS), items, catalogues);
    assert.equal(evaluation.status, 'noncompliant');
    assert.deepEqual(
      evaluation.results.map((r) => r.error_code),
      [22214, 22216, 22216, 22216],
    );
    const registration = byName(evaluation.results, 'proof_of_registration_info');
    assert.equal(registration.failure_reason, 'An Excerpt from the commercial register (Handelsregisterauszug) is missing. Please add one to the regulatory bundle.');
    assert.deepEqual(registration.invalid, [
      {
        friendly_name: 'Business Registration Number',
        object_field: 'business_registration_number',
        failure_reason:
          'The Business Registration Number is missing. Or, it does not match the Business Registration Number you entered within Business information. Please enter in the Business Registration Number shown on the Excerpt from the commercial register (Handelsregisterauszug) or make sure both Business Registration Number fields use the same exact inputs.',
        error_code: 22217,
      },
    ]);
  });

  test('an absent optional field still passes and is left out of valid[]', () => {
    const withoutComments = without(germanBusiness, 'comments');
    const business = byName(evaluate(regulation(GERMANY_LOCAL_BUSINESS), [endUser('business', withoutComments)], catalogues).results, 'business_info');
    assert.equal(business.passed, true);
    assert.deepEqual(business.invalid, []);
    assert.deepEqual(
      business.valid.map((v) => v.object_field),
      ['business_name', 'business_registration_number', 'business_website', 'first_name', 'last_name', 'email'],
    );
  });

  test('of several candidates the best-passing one is chosen; on a tie, the first assigned', () => {
    const withoutEmail = without(germanBusiness, 'email');
    const items = [
      endUser('business', withoutEmail),
      endUser('business', germanBusiness),
      document('tax_document', { business_name: 'Muster AG' }),
      document('trade_license', { business_name: 'Muster GmbH', address_sids: [ADDRESS] }),
      document('tax_document', { business_name: 'Muster GmbH', address_sids: [ADDRESS] }),
      document('commercial_registrar_excerpt', { business_registration_number: 'HRB 99999' }),
      document('tax_document', { business_registration_number: 'HRB 12345' }),
    ];
    const evaluation = evaluate(regulation(GERMANY_LOCAL_BUSINESS), items, catalogues);
    assert.equal(evaluation.status, 'compliant');
    // Compared with the complete End-User, the second: its business_name matches the trade licence.
    assert.equal(byName(evaluation.results, 'business_info').valid.length, 7);
    assert.equal(byName(evaluation.results, 'proof_of_registration_info').friendly_name, 'Tax Notice');
    assert.equal(byName(evaluation.results, 'proof_of_business_identity_info').friendly_name, 'Trade License (Gewerbeanmeldung)');
    assert.equal(byName(evaluation.results, 'proof_of_address_info').friendly_name, 'Trade License (Gewerbeanmeldung)');
  });

  test("France: the power-of-attorney grantee's name is not compared with the End-User's", () => {
    const france = regulationOf('FR', 'local', 'business');
    const items = [
      endUser('business', { business_name: 'Exemple SARL', business_registration_number: '123 456 789', first_name: 'Marie', last_name: 'Curie' }),
      document('commercial_registrar_excerpt', { business_name: 'Exemple SARL', address_sids: [ADDRESS], document_number: 'K-1' }),
      document('government_issued_document', { first_name: 'Marie', last_name: 'Curie' }),
      document('power_of_attorney', {}),
    ];
    const evaluation = evaluate(france, items, catalogues);
    assert.equal(evaluation.status, 'compliant');
    // The representative's name is: an ID with another first name serves the grantee only.
    const other = evaluate(france, [...items.slice(0, 2), items[3] as EvaluatedItem, document('government_issued_document', { first_name: 'Pierre', last_name: 'Curie' })], catalogues);
    assert.equal(byName(other.results, 'name_in_power_of_attorney_info').passed, true);
    // The catalogue keys behind this are the engine's, never served.
    const served = regulationJson(france, 'https://numbers.twilio.com/v2/RegulatoryCompliance/Regulations/RN', { api: 'https://numbers.twilio.com/v2/RegulatoryCompliance', includeConstraints: true });
    assert.doesNotMatch(served, /match_end_user|missing_reason|Governnment/);
    const representative = byName(other.results, 'name_of_auth_rep_info');
    assert.deepEqual(
      representative.invalid.map((i) => [i.object_field, i.error_code]),
      [['first_name', 22218]],
    );
  });

  test('"A" or "An" by the first letter', () => {
    assert.deepEqual(['Excerpt', 'Individual', 'Business', 'Government-issued ID', 'utility'].map((w) => article(w)), ['An', 'An', 'A', 'A', 'An']);
    assert.equal(article('Email', false), 'an');
  });

  describe('every built-in regulation', () => {
    const value = (f: RequirementField): unknown => (f.machineName === 'address_sids' ? [ADDRESS] : `${f.machineName} value`);
    const attributesOf = (fields: readonly RequirementField[]) => Object.fromEntries(fields.map((f) => [f.machineName, value(f)]));

    for (const r of catalogues.regulations.items) {
      test(`${r.friendlyName} (${r.sid}): nothing assigned is noncompliant, its own requirements met are compliant`, () => {
        const count = r.endUser.length + r.supportingDocument.flat().length;
        const empty = evaluate(r, [], catalogues);
        assert.equal(empty.status, 'noncompliant');
        assert.equal(empty.results.length, count);
        assert.ok(empty.results.every((x) => !x.passed && x.valid.length === 0 && x.error_code !== null && x.failure_reason !== null));

        const items = [
          ...r.endUser.map((q) => endUser(q.type, attributesOf(q.fields))),
          ...r.supportingDocument.flat().map((q) => {
            const accepted = q.acceptedDocuments[0];
            assert.ok(accepted);
            return document(accepted.type, attributesOf(accepted.fields));
          }),
        ];
        const full = evaluate(r, items, catalogues);
        assert.equal(full.status, 'compliant');
        assert.equal(full.results.length, count);
        for (const x of full.results) {
          assert.equal(x.passed, true, x.requirement_name);
          assert.deepEqual(x.invalid, []);
          assert.equal(x.failure_reason, null);
          assert.equal(x.error_code, null);
        }
      });
    }
  });
});
