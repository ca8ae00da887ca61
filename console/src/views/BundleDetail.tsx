import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api.js';
import { API, CONTROL, page } from '../api.js';
import { useAction, useLoad } from '../hooks.js';
import { Badge, Field, Heading, Link, Loading, Status, When } from '../ui.js';
import type { Bundle } from './Bundles.js';
import { Checklist } from './Checklist.js';
import type { Evaluation } from './Checklist.js';

interface Assignment {
  sid: string;
  object_sid: string;
}

interface Callback {
  sid: string;
  url: string;
  params: Record<string, string>;
  state: string;
  last_response_code: number;
  date_created: string;
  attempts: { attempt: number; date_started: string; duration_ms: number; response_code: number; error: string }[];
}

/** Statuses in which the bundle waits for a reviewer. */
const UNDER_REVIEW = ['pending-review', 'in-review'];
/** While a review or a delivery is under way, the page looks again this often. */
const REFRESH_MS = 1500;
/** Evaluations pages followed to find the newest (each bundle's history is listed oldest first). */
const EVALUATION_PAGES = 10;

export function BundleDetail({ api, sid }: { api: Api; sid: string }) {
  const bundle = useLoad(() => api.get<Bundle>(`${API}/Bundles/${sid}`), [sid]);
  const history = useLoad(() => api.get<{ history: { status: string; failure_reason: string | null; date_created: string }[] }>(`${CONTROL}/Bundles/${sid}/StatusHistory`), [sid]);
  const callbacks = useLoad(() => api.get<{ callbacks: Callback[] }>(`${CONTROL}/Bundles/${sid}/Callbacks`), [sid]);
  const [evaluation, setEvaluation] = useState<Evaluation>();
  // Twilio's Bundle has no failure_reason: the status history keeps the one of each change.
  const latest = history.data?.history[history.data.history.length - 1];
  const failureReason = bundle.data?.status === 'twilio-rejected' && latest?.status === 'twilio-rejected' ? latest.failure_reason : null;
  const refresh = () => (bundle.reload(), history.reload(), callbacks.reload());

  const waiting = UNDER_REVIEW.includes(bundle.data?.status ?? '') || (callbacks.data?.callbacks.some((c) => c.state === 'pending') ?? false);
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [waiting]);

  useEffect(() => {
    void latestEvaluation(api, sid).then(setEvaluation, () => undefined);
  }, [sid]);

  return (
    <main>
      <p>
        <Link to="bundles">← Bundles</Link>
      </p>
      <Loading loaded={bundle}>
        {(b) => (
          <>
            <Heading>{b.friendly_name}</Heading>
            <dl class="facts">
              <dt>Status</dt>
              <dd>
                <Badge status={b.status} />
              </dd>
              {failureReason && (
                <>
                  <dt>Failure reason</dt>
                  <dd>{failureReason}</dd>
                </>
              )}
              <dt>SID</dt>
              <dd class="sid">{b.sid}</dd>
              <dt>Regulation</dt>
              <dd>
                <Link to={`regulations/${b.regulation_sid}`}>{b.regulation_sid}</Link>
              </dd>
              <dt>Email</dt>
              <dd>{b.email}</dd>
              <dt>Status callback</dt>
              <dd>{b.status_callback ?? <span class="muted">none</span>}</dd>
              <dt>Valid until</dt>
              <dd>
                <When date={b.valid_until} />
              </dd>
              <dt>Updated</dt>
              <dd>
                <When date={b.date_updated} />
              </dd>
            </dl>
            <Review api={api} bundle={b} onDone={refresh} />
          </>
        )}
      </Loading>
      <Items api={api} sid={sid} />
      <EvaluationSection api={api} sid={sid} evaluation={evaluation} onEvaluated={setEvaluation} />
      <section aria-labelledby="history">
        <h2 id="history">Status history</h2>
        <Loading loaded={history}>
          {(h) => (
            <ol class="history">
              {h.history.map((entry, i) => (
                <li key={i}>
                  <Badge status={entry.status} /> <When date={entry.date_created} />
                  {entry.failure_reason && <span> — {entry.failure_reason}</span>}
                </li>
              ))}
            </ol>
          )}
        </Loading>
      </section>
      <section aria-labelledby="callbacks">
        <h2 id="callbacks">Status callbacks</h2>
        <button type="button" onClick={refresh}>
          Refresh
        </button>
        <Loading loaded={callbacks}>{(c) => <CallbackTable callbacks={c.callbacks} />}</Loading>
      </section>
    </main>
  );
}

/** Play Twilio's reviewer: approve, or reject with a reason; set valid_until (control API). */
function Review({ api, bundle, onDone }: { api: Api; bundle: Bundle; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [validUntil, setValidUntil] = useState(bundle.valid_until?.slice(0, 10) ?? '');
  const action = useAction();
  const decide = (status: string, failureReason: string) =>
    action.run(async () => {
      await api.post(`${CONTROL}/Bundles/${bundle.sid}/Review`, { Status: status, FailureReason: failureReason, ValidUntil: validUntil ? `${validUntil}T00:00:00Z` : undefined });
      onDone();
      return `The bundle is now ${status}.`;
    });
  const pending = UNDER_REVIEW.includes(bundle.status);
  return (
    <section aria-labelledby="review" class="panel">
      <h2 id="review">Review</h2>
      {!pending && <p class="muted">This bundle is not waiting for a review ({bundle.status}). A decision can still be made.</p>}
      <div class="review-grid">
        <Field label="Valid until (date, UTC)" hint="Sent with an approval; or set on its own">
          <input type="date" name="valid_until" value={validUntil} onInput={(e) => setValidUntil(e.currentTarget.value)} />
        </Field>
        <div class="buttons">
          <button type="button" class="primary" disabled={action.busy} onClick={() => void decide('twilio-approved', '')}>
            Approve
          </button>
          <button
            type="button"
            disabled={action.busy}
            onClick={() =>
              void action.run(async () => {
                await api.post(`${CONTROL}/Bundles/${bundle.sid}/ValidUntil`, { ValidUntil: validUntil ? `${validUntil}T00:00:00Z` : '' });
                onDone();
                return validUntil ? `valid_until is now ${validUntil}.` : 'valid_until is cleared.';
              })
            }
          >
            Set valid until
          </button>
        </div>
        <Field label="Failure reason">
          <input name="failure_reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} maxLength={500} />
        </Field>
        <div class="buttons">
          <button type="button" class="danger" disabled={action.busy || reason.trim() === ''} onClick={() => void decide('twilio-rejected', reason.trim())}>
            Reject
          </button>
        </div>
      </div>
      <Status message={action.message} failed={action.failed} />
    </section>
  );
}

function Items({ api, sid }: { api: Api; sid: string }) {
  const items = useLoad(async () => {
    const assigned = await page<Assignment>(api, `${API}/Bundles/${sid}/ItemAssignments`, { PageSize: '100' });
    return Promise.all(assigned.items.map(async (a) => ({ ...a, name: await nameOf(api, a.object_sid) })));
  }, [sid]);
  return (
    <section aria-labelledby="items">
      <h2 id="items">Items</h2>
      <Loading loaded={items}>
        {(list) =>
          list.length === 0 ? (
            <p class="muted">Nothing is assigned to this bundle.</p>
          ) : (
            <ul class="items">
              {list.map((item) => (
                <li key={item.sid}>
                  <span class="kind">{item.object_sid.startsWith('IT') ? 'End-User' : 'Document'}</span>{' '}
                  <Link to={`${item.object_sid.startsWith('IT') ? 'end-users' : 'documents'}/${item.object_sid}`}>{item.name}</Link>{' '}
                  <span class="sid">{item.object_sid}</span>
                </li>
              ))}
            </ul>
          )
        }
      </Loading>
    </section>
  );
}

async function nameOf(api: Api, objectSid: string): Promise<string> {
  const path = objectSid.startsWith('IT') ? 'EndUsers' : 'SupportingDocuments';
  try {
    return (await api.get<{ friendly_name: string }>(`${API}/${path}/${objectSid}`)).friendly_name;
  } catch {
    return objectSid;
  }
}

function EvaluationSection({ api, sid, evaluation, onEvaluated }: { api: Api; sid: string; evaluation: Evaluation | undefined; onEvaluated: (e: Evaluation) => void }) {
  const action = useAction();
  return (
    <section aria-labelledby="evaluation">
      <h2 id="evaluation">Evaluation</h2>
      <button
        type="button"
        disabled={action.busy}
        onClick={() =>
          void action.run(async () => {
            const made = await api.post<Evaluation>(`${API}/Bundles/${sid}/Evaluations`);
            onEvaluated(made);
            return `Evaluated: ${made.status}.`;
          })
        }
      >
        Evaluate now
      </button>
      <Status message={action.message} failed={action.failed} />
      {evaluation ? <Checklist evaluation={evaluation} /> : <p class="muted">Not evaluated yet.</p>}
    </section>
  );
}

async function latestEvaluation(api: Api, sid: string): Promise<Evaluation | undefined> {
  let url: string | undefined = `${API}/Bundles/${sid}/Evaluations?PageSize=100`;
  let latest: Evaluation | undefined;
  for (let i = 0; url && i < EVALUATION_PAGES; i++) {
    const p: { items: Evaluation[]; next: string | undefined } = await page<Evaluation>(api, url);
    latest = p.items[p.items.length - 1] ?? latest;
    url = p.next;
  }
  return latest;
}

function CallbackTable({ callbacks }: { callbacks: Callback[] }) {
  if (callbacks.length === 0) return <p class="muted">No status callbacks yet.</p>;
  return (
    <div class="table-wrap">
      <table class="callbacks">
        <thead>
          <tr>
            <th scope="col">Status sent</th>
            <th scope="col">To</th>
            <th scope="col">Delivery</th>
            <th scope="col">Attempts (response code)</th>
          </tr>
        </thead>
        <tbody>
          {callbacks.map((c) => (
            <tr key={c.sid}>
              <td>
                <Badge status={c.params.Status ?? '?'} /> <When date={c.date_created} />
              </td>
              <td class="url">{c.url}</td>
              <td>
                <span class={`delivery delivery-${c.state}`}>{c.state}</span>
              </td>
              <td>
                {c.attempts.length === 0 ? (
                  <span class="muted">not yet attempted</span>
                ) : (
                  <ul class="attempts">
                    {c.attempts.map((a) => (
                      <li key={a.attempt}>
                        #{a.attempt}: <strong class="response-code">{a.response_code || 'no response'}</strong> in {a.duration_ms} ms
                        {a.error && <span class="muted"> ({a.error})</span>}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
