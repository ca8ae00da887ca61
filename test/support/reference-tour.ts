import { API_PREFIX } from '../../src/twilio/urls.js';
import { documentForm, postForm, smallPdf } from './documents.js';
import type { TestServer } from './server.js';

/** One request of the tour and what came back. */
export interface Answer {
  method: string;
  path: string;
  response: Response;
}

const V2 = API_PREFIX;

/**
 * Calls every operation the reference documents, each at least once and each successfully, in
 * an order where every call has what it needs (a Bundle approved before it is copied…). A new
 * documented operation needs a call here: test/reference.test.ts fails until it has one.
 */
export async function tourEveryOperation(server: TestServer, callbackUrl: string): Promise<Answer[]> {
  const answers: Answer[] = [];
  const call = async (method: string, path: string, body?: string | FormData): Promise<Response> => {
    const response = body instanceof FormData ? await postForm(server.origin, server.account, body, path) : await server.request(method, path, { body });
    answers.push({ method, path, response: response.clone() });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response;
  };
  const sidOf = async (response: Response) => ((await response.json()) as { sid: string }).sid;
  const firstOf = async (path: string, key: string) => ((await (await call('GET', path)).json()) as Record<string, { sid: string }[]>)[key]![0]!.sid;

  for (const path of ['/healthz', '/readyz', '/metrics']) await call('GET', path);
  await call('GET', `${V2}/EndUserTypes/${await firstOf(`${V2}/EndUserTypes`, 'end_user_types')}`);
  await call('GET', `${V2}/SupportingDocumentTypes/${await firstOf(`${V2}/SupportingDocumentTypes`, 'supporting_document_types')}`);
  await call('GET', `${V2}/Regulations/${await firstOf(`${V2}/Regulations`, 'results')}`);

  const endUser = await sidOf(await call('POST', `${V2}/EndUsers`, 'FriendlyName=Tour&Type=individual'));
  await call('GET', `${V2}/EndUsers`);
  await call('GET', `${V2}/EndUsers/${endUser}`);
  await call('POST', `${V2}/EndUsers/${endUser}`, 'FriendlyName=Tour%202');

  const documents = `${V2}/SupportingDocuments`;
  const document = await sidOf(await call('POST', documents, documentForm({ FriendlyName: 'Tour', Type: 'passport' }, { bytes: smallPdf('Tour'), type: 'application/pdf' })));
  await call('GET', documents);
  await call('GET', `${documents}/${document}`);
  await call('POST', `${documents}/${document}`, 'FriendlyName=Tour%202');
  await call('GET', `${documents}/${document}/File`);

  const bundles = `${V2}/Bundles`;
  const newBundle = async (name: string) =>
    sidOf(await call('POST', bundles, `FriendlyName=${name}&Email=tour%40example.com&RegulationSid=RNfd11dde5d4b7252abf96139766f68034&StatusCallback=${encodeURIComponent(callbackUrl)}`));
  const bundle = await newBundle('Tour');
  await call('GET', bundles);
  await call('GET', `${bundles}/${bundle}`);
  await call('POST', `${bundles}/${bundle}`, 'FriendlyName=Tour%202');

  const item = await sidOf(await call('POST', `${bundles}/${bundle}/ItemAssignments`, `ObjectSid=${endUser}`));
  await call('GET', `${bundles}/${bundle}/ItemAssignments`);
  await call('GET', `${bundles}/${bundle}/ItemAssignments/${item}`);
  const evaluation = await sidOf(await call('POST', `${bundles}/${bundle}/Evaluations`, ''));
  await call('GET', `${bundles}/${bundle}/Evaluations`);
  await call('GET', `${bundles}/${bundle}/Evaluations/${evaluation}`);

  await call('GET', '/regcomp/ReviewPolicy');
  await call('POST', '/regcomp/ReviewPolicy', 'Policy=manual&InReviewAfterMs=0&DecisionAfterMs=0');
  await call('DELETE', '/regcomp/ReviewPolicy');
  await call('POST', `/regcomp/Bundles/${bundle}/ReviewPolicy`, 'Policy=manual');
  await call('POST', `/regcomp/Bundles/${bundle}/Review`, 'Status=twilio-approved');
  await call('POST', `/regcomp/Bundles/${bundle}/ValidUntil`, 'ValidUntil=2030-01-01T00:00:00Z');
  await call('GET', `/regcomp/Bundles/${bundle}/Callbacks`);
  const fault = await sidOf(await call('POST', '/regcomp/Faults', 'Type=internal-error&Path=/v2/Nowhere*&Count=1'));
  await call('GET', '/regcomp/Faults');
  await call('GET', `/regcomp/Faults/${fault}`);
  await call('DELETE', `/regcomp/Faults/${fault}`);
  await call('DELETE', '/regcomp/Faults');
  await call('GET', '/regcomp/EndUsers/Search?FriendlyName=Tour&PageSize=5');
  await call('GET', '/regcomp/ApiKeys');
  await call('GET', `/regcomp/Bundles/${bundle}/StatusHistory`);
  await call('GET', '/regcomp/Clock');
  await call('POST', '/regcomp/Clock', 'AdvanceMs=60000');

  const copy = await sidOf(await call('POST', `${bundles}/${bundle}/Copies`, 'FriendlyName=Copy'));
  await call('GET', `${bundles}/${bundle}/Copies`);
  await call('POST', `/regcomp/Bundles/${copy}/Review`, 'Status=twilio-approved');
  await call('POST', `${bundles}/${bundle}/ReplaceItems`, `FromBundleSid=${copy}`);
  await call('POST', `${bundles}/${bundle}/Clones`, `TargetAccountSid=${(await server.newAccount()).sid}&MoveToDraft=true`);

  // Deletes last, each of something made for it.
  const doomed = await newBundle('Doomed');
  const doomedUser = await sidOf(await call('POST', `${V2}/EndUsers`, 'FriendlyName=Doomed&Type=business'));
  const doomedItem = await sidOf(await call('POST', `${bundles}/${doomed}/ItemAssignments`, `ObjectSid=${doomedUser}`));
  await call('DELETE', `${bundles}/${doomed}/ItemAssignments/${doomedItem}`);
  await call('DELETE', `${V2}/EndUsers/${doomedUser}`);
  await call('DELETE', `${documents}/${await sidOf(await call('POST', documents, 'FriendlyName=Doomed&Type=passport'))}`);
  await call('DELETE', `${bundles}/${doomed}`);
  await call('DELETE', '/regcomp/Data');
  return answers;
}
