import type { Judge } from '../../lifecycle/review.js';
import type { Queries } from '../../store/db.js';
import type { Catalogues } from '../catalogues.js';
import type { Evaluation } from './engine.js';
import { evaluate } from './engine.js';
import { bundleItems } from './items.js';

/** Evaluates a bundle's current items against its regulation, inside the caller's transaction. */
export async function evaluateBundle(q: Queries, catalogues: Catalogues, bundle: { sid: string; regulation_sid: string }): Promise<Evaluation> {
  const regulation = catalogues.regulations.findBySid(bundle.regulation_sid);
  // A regulation gone from the catalogue since the bundle was made: nothing can comply with it.
  if (!regulation) return { status: 'noncompliant', results: [] };
  return evaluate(regulation, await bundleItems(q, bundle.sid), catalogues);
}

/** The `evaluate` review policy: approve iff compliant, else reject with the failing results' reasons. */
export function evaluationJudge(catalogues: Catalogues): Judge {
  return async (tx, bundle) => {
    const { status, results } = await evaluateBundle(tx, catalogues, bundle);
    const reasons = results.filter((r) => !r.passed).map((r) => r.failure_reason ?? `${r.requirement_friendly_name} is not satisfied`);
    const failureReason = reasons.length > 0 ? reasons.join(' ') : 'The Bundle does not satisfy its regulation';
    return { compliant: status === 'compliant', failureReason: status === 'compliant' ? '' : failureReason };
  };
}
