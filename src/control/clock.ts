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
  const runOf = (): DeterministicRun => {
    if (!deterministic) throw errors.clockNotSettable();
    return deterministic;
  };
  const json = ({ clock, run }: DeterministicRun) => JSON.stringify({ now: new Date(clock.now()).toISOString(), now_ms: clock.now(), run });

  app.get('/Clock', (_request, reply) => sendJson(reply, 200, json(runOf())));

  app.post('/Clock', async (request, reply) => {
    const current = runOf();
    const move = moveOf(formOf(request.body));
    // One move at a time, each from where the last one left the clock.
    const moved = moving.then(() => moveClock(current.clock, move(current.clock.now()), db, runDue));
    moving = moved.catch(() => undefined);
    await moved;
    return sendJson(reply, 200, json(current));
  });

  refuseOtherMethods(app, '/Clock', ['GET', 'POST']);
}

/** The requested move, checked: from the clock's time then, the time to move it to. */
function moveOf(form: FormBody): (nowMs: number) => number {
  const now = form.get('Now');
  const advance = form.get('AdvanceMs');
  if ((now === undefined) === (advance === undefined)) throw errors.invalidParameter('Now', 'give either Now (an ISO date-time) or AdvanceMs (milliseconds), not both');
  if (advance !== undefined) {
    if (!/^\d{1,11}$/.test(advance) || Number(advance) > MAX_ADVANCE_MS) throw errors.invalidParameter('AdvanceMs', 'must be a whole number of milliseconds, at most 366 days');
    return (nowMs) => nowMs + Number(advance);
  }
  const ms = Date.parse(now!);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(now!) || Number.isNaN(ms)) throw errors.invalidParameter('Now', 'must be an ISO date-time such as 2026-01-31T12:00:00Z');
  return (nowMs) => {
    if (ms < nowMs) throw errors.invalidParameter('Now', `must not be before the clock (${new Date(nowMs).toISOString()}): it only moves forward`);
    return ms;
  };
}
