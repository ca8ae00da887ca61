import type { FastifyInstance } from 'fastify';
import { wipeAccount } from '../accounts/wipe.js';
import type { Db } from '../store/db.js';
import { notFound, sendJson } from '../twilio/reply.js';
import { refuseOtherMethods } from '../twilio/routes.js';

/**
 * DELETE /regcomp/Data: the caller's account starts clean (a test suite's set-up) while the
 * server runs on; the account and its credentials stay. Answers what was removed, table by table.
 */
export function registerWipeRoutes(app: FastifyInstance, { db }: { db: Db }): void {
  app.delete('/Data', async (request, reply) => {
    const deleted = await wipeAccount(db, request.accountSid);
    // Only when the account was deleted (CLI) since its credentials were last checked.
    if (!deleted) throw notFound(request);
    return sendJson(reply, 200, JSON.stringify({ account_sid: request.accountSid, deleted }));
  });
  refuseOtherMethods(app, '/Data', ['DELETE']);
}
