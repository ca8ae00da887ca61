import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { errors } from '../../twilio/errors.js';
import type { FormBody } from '../../twilio/form.js';
import type { StagedFile } from './staging.js';
import { UploadStaging } from './staging.js';

export interface UploadLimits {
  /** The File part's limit (UPLOAD_MAX_BYTES). */
  fileBytes: number;
  /** Each other field's limit (the form body limit). */
  fieldBytes: number;
  /** Cut the connection after this long without a byte from the client. */
  idleMs: number;
}

/** Cut off an upload still running after this long; the sweep takes only older leftovers. */
export const UPLOAD_MAX_DURATION_MS = 30 * 60_000;

export interface ReceivedUpload {
  fields: FormBody;
  /** Undefined when the request had no File part: a document without a file. */
  file: StagedFile | undefined;
}

// A MIME type as a header can carry it; anything else is stored as generic bytes.
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/**
 * Reads a multipart create: fields in any order around the `File` part (curl sends them in its
 * -F order), the file streamed into staging as it arrives. On any failure the staged chunks are
 * discarded before the error propagates. As with forms, the first value of a field counts.
 */
export async function receiveUpload(request: FastifyRequest, staging: UploadStaging, limits: UploadLimits): Promise<ReceivedUpload> {
  const fields = new Map<string, string>();
  const uploadId = UploadStaging.newUploadId();
  let file: StagedFile | undefined;
  const stopGuard = guardConnection(request, limits.idleMs);
  try {
    const parts = request.parts({ limits: { fileSize: limits.fileBytes, fieldSize: limits.fieldBytes, fields: 100, files: 10, parts: 110 } });
    for await (const part of parts) {
      if (part.type === 'field') readField(part, fields, file !== undefined, limits.fieldBytes);
      else if (part.fieldname !== 'File' || file !== undefined) part.file.resume(); // another file: ignored, like unknown params
      else file = await stageFile(part, { uploadId, accountSid: request.accountSid }, staging, limits.fileBytes);
    }
    return { fields, file };
  } catch (err) {
    await staging.discard(uploadId).catch(() => undefined); // else swept later
    throw err;
  } finally {
    stopGuard();
  }
}

function readField(part: Extract<Multipart, { type: 'field' }>, fields: Map<string, string>, sawFile: boolean, limit: number): void {
  const name = part.fieldname;
  if (name === 'File' && !sawFile) throw errors.invalidParameter('File', 'must be a file part (curl: -F "File=@document.pdf")');
  if (part.valueTruncated) throw errors.fieldTooLarge(name, limit);
  // The plugin parses a field sent as application/json: keep it as text, like the form's.
  const value = typeof part.value === 'string' ? part.value : JSON.stringify(part.value);
  if (!fields.has(name)) fields.set(name, value);
}

async function stageFile(
  part: Extract<Multipart, { type: 'file' }>,
  { uploadId, accountSid }: { uploadId: string; accountSid: string },
  staging: UploadStaging,
  limit: number,
): Promise<StagedFile> {
  const { size, chunks } = await staging.stage(uploadId, accountSid, part.file);
  if (part.file.truncated) throw errors.fileTooLarge(limit);
  if (size === 0) throw errors.invalidParameter('File', 'must not be empty');
  const mimeType = MIME_TYPE.test(part.mimetype) ? part.mimetype : 'application/octet-stream';
  return { uploadId, mimeType, size, chunks };
}

/**
 * Closes the connection of an upload that stalls (nothing received for `idleMs`) or runs past
 * UPLOAD_MAX_DURATION_MS; the parser then fails and the upload is discarded. Returns the stop.
 */
function guardConnection(request: FastifyRequest, idleMs: number): () => void {
  const raw = request.raw;
  const cut = () => raw.destroy();
  let idle = setTimeout(cut, idleMs);
  const onData = () => {
    clearTimeout(idle);
    idle = setTimeout(cut, idleMs);
  };
  const longest = setTimeout(cut, UPLOAD_MAX_DURATION_MS);
  raw.on('data', onData);
  return () => {
    clearTimeout(idle);
    clearTimeout(longest);
    raw.off('data', onData);
  };
}
