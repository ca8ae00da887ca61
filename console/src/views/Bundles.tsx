import { useState } from 'preact/hooks';
import type { Api } from '../api.js';
import { API, page } from '../api.js';
import { useLoad } from '../hooks.js';
import { Badge, Field, Heading, Link, Loading, Pager, When } from '../ui.js';

export interface Bundle {
  sid: string;
  friendly_name: string;
  status: string;
  regulation_sid: string;
  email: string;
  status_callback: string | null;
  valid_until: string | null;
  date_created: string;
  date_updated: string;
}

export const BUNDLE_STATUSES = ['draft', 'pending-review', 'in-review', 'twilio-rejected', 'twilio-approved', 'provisionally-approved'];

export function Bundles({ api }: { api: Api }) {
  const [status, setStatus] = useState('');
  const [url, setUrl] = useState<string>();
  const list = useLoad(() => page<Bundle>(api, url ?? `${API}/Bundles`, url ? {} : { PageSize: '20', Status: status || undefined }), [url, status]);
  return (
    <main>
      <Heading>Bundles</Heading>
      <div class="toolbar">
        <Field label="Status">
          <select
            name="status"
            value={status}
            onChange={(e) => {
              setStatus(e.currentTarget.value);
              setUrl(undefined);
            }}
          >
            <option value="">Any status</option>
            {BUNDLE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </Field>
        <button type="button" onClick={list.reload}>
          Refresh
        </button>
      </div>
      <Loading loaded={list}>
        {(p) => (
          <>
            {p.items.length === 0 ? (
              <p class="muted">No bundles{status ? ` in ${status}` : ''}. Create them with the API (see the README's walkthrough).</p>
            ) : (
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Friendly name</th>
                      <th scope="col">Status</th>
                      <th scope="col">Valid until</th>
                      <th scope="col">Updated</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.items.map((b) => (
                      <tr key={b.sid}>
                        <td>
                          <Link to={`bundles/${b.sid}`}>{b.friendly_name}</Link>
                          <div class="sid">{b.sid}</div>
                        </td>
                        <td>
                          <Badge status={b.status} />
                        </td>
                        <td>
                          <When date={b.valid_until} />
                        </td>
                        <td>
                          <When date={b.date_updated} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <Pager previous={p.previous} next={p.next} onPage={setUrl} />
          </>
        )}
      </Loading>
    </main>
  );
}
