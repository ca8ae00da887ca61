export interface EvaluationResult {
  friendly_name: string;
  object_type: string;
  passed: boolean;
  failure_reason: string | null;
  error_code: number | null;
  valid: { friendly_name: string; object_field: string }[];
  invalid: { friendly_name: string; object_field: string; failure_reason: string; error_code: number }[];
  requirement_friendly_name: string;
  requirement_name: string;
}

export interface Evaluation {
  sid: string;
  status: string;
  date_created: string;
  results: EvaluationResult[];
}

/** An evaluation in plain words: one item per requirement, what passed and what to fix. */
export function Checklist({ evaluation }: { evaluation: Evaluation }) {
  const passed = evaluation.results.filter((r) => r.passed).length;
  return (
    <div class="checklist">
      <p>
        <strong>{evaluation.status === 'compliant' ? 'Compliant' : 'Not compliant'}</strong>: {passed} of {evaluation.results.length} requirements met
        (evaluation {evaluation.sid}, {evaluation.date_created.replace('T', ' ').replace('Z', ' UTC')}).
      </p>
      <ul>
        {evaluation.results.map((r, i) => (
          <li key={i} class={r.passed ? 'pass' : 'fail'}>
            <span class="mark" aria-hidden="true">
              {r.passed ? '✓' : '✗'}
            </span>
            <span class="visually-hidden">{r.passed ? 'Met: ' : 'Not met: '}</span>
            <strong>{r.requirement_friendly_name}</strong>: {r.passed ? `${r.friendly_name} is there and complete.` : r.failure_reason}
            {r.invalid.length > 0 && (
              <ul>
                {r.invalid.map((f) => (
                  <li key={f.object_field}>{f.failure_reason}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
