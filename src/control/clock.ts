import type { FastifyInstance } from 'fastify';
import type { DeterministicRun } from '../determinism/run.js';
import { moveClock } from '../determinism/clock.js';
import type { Db } from '../store/db.js';
import { errors } from '../twilio/errors.js';
import { formOf } from '../twilio/form.js';
import type { FormBody } from '../twilio/form.js';
import { sendJson } from '../twilio/reply.js';
import { refuseOtherMethods } from '../twilio/routes.js';

export interface ClockContext {
  db: Db;
  /** Undefined outside deterministic mode: the routes refuse, and nothing changes. */
  deterministic: DeterministicRun | undefined;
  /** Runs the review steps and callbacks that are due now. */
  runDue: () => Promise<void>;
}

const MAX_ADVANCE_MS = 366 * 86_400_000;

/**
 * The deterministic run's clock: GET reads it; POST sets it (`Now`, an ISO date-time) or moves
 * it on (`AdvanceMs`), forward only, running what falls due on the way before answering.
 */
export function registerClockRoutes(app: FastifyInstance, { db, deterministic, runDue }: ClockContext): void {
  let moving: Promise<unknown> = Promise.resolve();
  const clockOf = () => {
    if (!deterministic) throw errors.clockNotSettable();
    return deterministic.clock;
  };
  const json = () => JSON.stringify({ now: new Date(clockOf().now()).toISOString(), now_ms: clockOf().now(), run: deterministic!.run });

  app.get('/Clock', (_request, reply) => sendJson(reply, 200, json()));

  app.post('/Clock', async (request, reply) => {
    const clock = clockOf();
    const target = targetOf(formOf(request.body), clock.now());
    // One move at a time: two at once would each step the other's due work.
    const move = moving.then(() => moveClock(clock, Math.max(target, clock.now()), db, runDue));
    moving = move.catch(() => undefined);
    await move;
    return sendJson(reply, 200, json());
  });

  refuseOtherMethods(app, '/Clock', ['GET', 'POST']);
}

function targetOf(form: FormBody, nowMs: number): number {
  const now = form.get('Now');
  const advance = form.get('AdvanceMs');
  if ((now === undefined) === (advance === undefined)) throw errors.invalidParameter('Now', 'give either Now (an ISO date-time) or AdvanceMs (milliseconds), not both');
  if (advance !== undefined) {
    if (!/^\d{1,11}$/.test(advance) || Number(advance) > MAX_ADVANCE_MS) throw errors.invalidParameter('AdvanceMs', 'must be a whole number of milliseconds, at most 366 days');
    return nowMs + Number(advance);
  }
  const ms = Date.parse(now!);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(now!) || Number.isNaN(ms)) throw errors.invalidParameter('Now', 'must be an ISO date-time such as 2026-01-31T12:00:00Z');
  if (ms < nowMs) throw errors.invalidParameter('Now', `must not be before the clock (${new Date(nowMs).toISOString()}): it only moves forward`);
  return ms;
}
