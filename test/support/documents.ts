import type { Credentials } from './server.js';
import { basic } from './server.js';

export const DOCUMENTS = '/v2/RegulatoryCompliance/SupportingDocuments';

export { minimalPdf as smallPdf } from '../../src/resources/supporting-documents/pdf.js';

/** `n` bytes that are not all alike, so a reordered or shifted chunk shows. */
export function patternBytes(n: number, seed = 1): Buffer {
  const bytes = Buffer.alloc(n);
  for (let i = 0; i < n; i++) bytes[i] = (i * 31 + seed * 17 + (i >> 10)) & 0xff;
  return bytes;
}

/** POST a multipart body built by Node's own FormData, the way a browser or any fetch client would. */
export function postForm(origin: string, auth: Credentials, form: FormData, path = DOCUMENTS): Promise<Response> {
  return fetch(origin + path, { method: 'POST', headers: { authorization: basic(auth.sid, auth.token) }, body: form });
}

export function documentForm(fields: Record<string, string>, file?: { bytes: Uint8Array; type: string; name?: string }): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file) form.append('File', new Blob([file.bytes], { type: file.type }), file.name ?? 'document.pdf');
  return form;
}
