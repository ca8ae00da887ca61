import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { notFound, sidParam } from '../../twilio/reply.js';
import { refuseOtherMethods } from '../../twilio/routes.js';
import type { DocumentStore } from './store.js';

/**
 * regcomp's own download of a document's file, for its account only (Twilio has none):
 * `GET …/SupportingDocuments/{Sid}/File`, streamed a chunk at a time as the client reads.
 */
export function registerDownload(app: FastifyInstance, path: string, store: DocumentStore): void {
  const url = `${path}/:sid/File`;
  app.get(url, async (request: FastifyRequest, reply: FastifyReply) => {
    const sid = sidParam(request, 'RD');
    const doc = await store.find(request.accountSid, sid);
    if (!doc || doc.mime_type === null || doc.file_size === null) throw notFound(request);
    return reply
      .type(doc.mime_type)
      .header('content-length', doc.file_size)
      .header('content-disposition', `attachment; filename="${sid}"`)
      // A stored upload is the client's bytes: never let a browser guess it is something else.
      .header('x-content-type-options', 'nosniff')
      // One chunk read ahead at most: the next is read only once the socket has taken this one.
      .send(Readable.from(chunks(store, sid, doc.file_size), { highWaterMark: 1 }));
  });
  refuseOtherMethods(app, url, ['GET']);
}

/**
 * The chunks in order, each read when the stream wants more (back-pressure). A document deleted
 * meanwhile fails the stream, so the connection is cut short of Content-Length: the client
 * sees a broken download, never a short file that looks whole.
 */
async function* chunks(store: DocumentStore, sid: string, size: number): AsyncGenerator<Buffer> {
  let seq = 0;
  let sent = 0;
  for (;;) {
    const chunk = await store.chunkAfter(sid, seq);
    if (!chunk) break;
    seq = chunk.seq;
    sent += chunk.bytes.length;
    yield chunk.bytes;
  }
  if (sent !== size) throw new Error(`${sid}: the file went away during its download`);
}
