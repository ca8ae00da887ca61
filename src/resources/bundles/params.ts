import { errors } from '../../twilio/errors.js';
import type { FormBody } from '../../twilio/form.js';
import { booleanParam, checkFriendlyName, optionalFriendlyName, required } from '../../twilio/params.js';
import type { RegulationCatalogue } from '../regulations/catalogue.js';
import type { Regulation } from '../regulations/regulation.js';
import { isEndUserType, numberTypeOf } from '../regulations/regulation.js';
import type { BundleStatus } from './bundle.js';
import { isBundleStatus } from './bundle.js';

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const EMAIL_MAX = 254;
const URL_MAX = 2048;

export interface CreateParams {
  friendlyName: string;
  email: string;
  statusCallback: string;
  regulation: Regulation;
  isTest: boolean;
}

export function createParams(form: FormBody, regulations: RegulationCatalogue, allowed: CallbackAllowed): CreateParams {
  return {
    friendlyName: checkFriendlyName(required(form, 'FriendlyName')),
    email: checkEmail(required(form, 'Email')),
    statusCallback: statusCallbackOf(form, allowed) ?? '',
    regulation: regulationOf(form, regulations),
    isTest: booleanParam('IsTest', form.get('IsTest')) ?? false,
  };
}

/**
 * `RegulationSid`, or the number group it stands for (IsoCountry in any case, NumberType
 * with `tollfree` for `toll-free`, EndUserType). When both are sent, the SID decides.
 */
function regulationOf(form: FormBody, regulations: RegulationCatalogue): Regulation {
  const sid = form.get('RegulationSid');
  if (sid) return regulations.findBySid(sid) ?? fail(errors.regulationNotFound());
  const [country, numberTypeText, endUserType] = ['IsoCountry', 'NumberType', 'EndUserType'].map((name) => form.get(name) || undefined);
  if (endUserType !== undefined && !isEndUserType(endUserType)) throw errors.invalidNumberGroup('EndUserType', 'must be individual or business');
  const numberType = numberTypeText === undefined ? undefined : numberTypeOf(numberTypeText);
  if (numberTypeText !== undefined && numberType === undefined) {
    throw errors.invalidNumberGroup('NumberType', 'must be local, mobile, national or toll-free');
  }
  if (country === undefined || numberType === undefined || endUserType === undefined) throw errors.regulationNotGiven();
  return regulations.findByNumberGroup(country, numberType, endUserType) ?? fail(errors.regulationNotFound());
}

function fail(error: Error): never {
  throw error;
}

export interface UpdateParams {
  status: BundleStatus | undefined;
  friendlyName: string | undefined;
  email: string | undefined;
  statusCallback: string | undefined;
}

/** `Status` travels alone (22204 otherwise, as Twilio's error dictionary says), or the properties do. */
export function updateParams(form: FormBody, statusWithProperties: 'refuse' | 'allow', allowed: CallbackAllowed): UpdateParams {
  const status = form.get('Status');
  const properties = {
    friendlyName: optionalFriendlyName(form),
    email: form.get('Email') === undefined ? undefined : checkEmail(form.get('Email')!),
    statusCallback: statusCallbackOf(form, allowed),
  };
  if (status === undefined) return { status, ...properties };
  if (!isBundleStatus(status)) throw errors.invalidBundleStatus(status);
  const withOthers = Object.values(properties).some((value) => value !== undefined);
  if (withOthers && statusWithProperties === 'refuse') throw errors.statusWithProperties();
  return { status, ...properties };
}

function checkEmail(value: string): string {
  if (value.length > EMAIL_MAX || !EMAIL.test(value)) throw errors.invalidParameter('Email', 'must be an email address');
  return value;
}

/** Whether status callbacks may go to a URL (CALLBACK_ALLOWED_HOSTS). */
export type CallbackAllowed = (url: URL) => boolean;

/** An absolute http(s) URL to an allowed host; '' clears it on update. */
function statusCallbackOf(form: FormBody, allowed: CallbackAllowed): string | undefined {
  const value = form.get('StatusCallback');
  if (value === undefined || value === '') return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw errors.invalidParameter('StatusCallback', 'must be an absolute http or https URL');
  }
  if (!['http:', 'https:'].includes(url.protocol) || value.length > URL_MAX) {
    throw errors.invalidParameter('StatusCallback', `must be an http or https URL of at most ${URL_MAX} characters`);
  }
  if (!allowed(url)) throw errors.invalidParameter('StatusCallback', `the host ${url.host} is not allowed here (CALLBACK_ALLOWED_HOSTS)`);
  return value;
}
