import type { Api } from '../api.js';
import { CONTROL } from '../api.js';
import { useLoad } from '../hooks.js';
import { Heading, Loading, When } from '../ui.js';

interface ApiKey {
  sid: string;
  friendly_name: string;
  date_created: string;
}

/** The account's API keys, never their secrets (regcomp keeps only hashes of them). */
export function ApiKeys({ api }: { api: Api }) {
  const keys = useLoad(() => api.get<{ api_keys: ApiKey[] }>(`${CONTROL}/ApiKeys`), []);
  return (
    <main>
      <Heading>API keys</Heading>
      <p>
        Create and delete keys with <code>npx regcomp keys create --account AC…</code> and <code>npx regcomp keys delete SK…</code>; a key's secret is shown once, when it is
        created.
      </p>
      <Loading loaded={keys}>
        {(k) =>
          k.api_keys.length === 0 ? (
            <p class="muted">This account has no API keys.</p>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Friendly name</th>
                    <th scope="col">SID</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {k.api_keys.map((key) => (
                    <tr key={key.sid}>
                      <td>{key.friendly_name}</td>
                      <td class="sid">{key.sid}</td>
                      <td>
                        <When date={key.date_created} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loading>
    </main>
  );
}
