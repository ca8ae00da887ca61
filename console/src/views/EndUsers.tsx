import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { Api } from '../api.js';
import { API, CONTROL, page } from '../api.js';
import { useAction, useLoad } from '../hooks.js';
import { navigate } from '../router.js';
import { Field, Heading, Link, Loading, Pager, Status, When } from '../ui.js';
import { AttributesInput, parseAttributes, TypePicker } from './forms.js';

export interface EndUser {
  sid: string;
  friendly_name: string;
  type: string;
  attributes?: Record<string, unknown>;
  date_created: string;
}

const PAGE_SIZE = '20';

/**
 * The account's end users, a page at a time, newest last as the API lists them; or those whose
 * friendly name contains a text (the control API's bounded search, which goes on page by page).
 */
export function EndUsers({ api }: { api: Api }) {
  const [url, setUrl] = useState(`${API}/EndUsers`);
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState<{ text: string; token?: string }>();
  const list = useLoad(() => (query ? searchPage(api, query.text, query.token) : page<EndUser>(api, url, url.includes('?') ? {} : { PageSize: PAGE_SIZE })), [url, query]);

  return (
    <main>
      <Heading>End-Users</Heading>
      <form
        class="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(search.trim() ? { text: search.trim() } : undefined);
        }}
      >
        <Field label="Search by friendly name">
          <input type="search" name="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} maxLength={64} />
        </Field>
        <button type="submit">Search</button>
        {query && (
          <button type="button" onClick={() => (setQuery(undefined), setSearch(''))}>
            Show all
          </button>
        )}
      </form>
      <Loading loaded={list}>
        {(p) => (
          <>
            <EndUserTable users={p.items} />
            {query && p.items.length === 0 && !p.next && <p>No end user's friendly name contains “{query.text}”.</p>}
            <Pager
              previous={query ? undefined : p.previous}
              next={p.next}
              onPage={(next) => (query ? setQuery({ text: query.text, token: next }) : setUrl(next))}
            />
          </>
        )}
      </Loading>
      <CreateEndUser api={api} />
    </main>
  );
}

async function searchPage(api: Api, text: string, token?: string) {
  const body = await api.get<{ end_users: EndUser[]; next_page_token: string | null }>(`${CONTROL}/EndUsers/Search`, { FriendlyName: text, PageSize: PAGE_SIZE, PageToken: token });
  return { items: body.end_users, next: body.next_page_token ?? undefined, previous: undefined };
}

function EndUserTable({ users }: { users: EndUser[] }) {
  if (users.length === 0) return <p class="muted">No end users on this page.</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">End-Users</caption>
        <thead>
          <tr>
            <th scope="col">Friendly name</th>
            <th scope="col">Type</th>
            <th scope="col">SID</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.sid}>
              <td>
                <Link to={`end-users/${u.sid}`}>{u.friendly_name}</Link>
              </td>
              <td>{u.type}</td>
              <td class="sid">{u.sid}</td>
              <td>
                <When date={u.date_created} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CreateEndUser({ api }: { api: Api }) {
  const [name, setName] = useState('');
  const [type, setType] = useState('business');
  const [attributes, setAttributes] = useState('{}');
  const action = useAction();
  return (
    <section aria-labelledby="create-end-user">
      <h2 id="create-end-user">Create an end user</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            const created = await api.post<EndUser>(`${API}/EndUsers`, { FriendlyName: name, Type: type, Attributes: JSON.stringify(parseAttributes(attributes)) });
            navigate(`end-users/${created.sid}`);
          });
        }}
      >
        <Field label="Friendly name">
          <input name="friendly_name" value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={256} />
        </Field>
        <TypePicker api={api} path={`${API}/EndUserTypes`} label="Type" value={type} onChange={setType} />
        <AttributesInput value={attributes} onChange={setAttributes} />
        <button type="submit" class="primary" disabled={action.busy}>
          Create end user
        </button>
        <Status message={action.message} failed={action.failed} />
      </form>
    </section>
  );
}

export function EndUserDetail({ api, sid }: { api: Api; sid: string }) {
  const user = useLoad(() => api.get<EndUser>(`${API}/EndUsers/${sid}`), [sid]);
  const action = useAction();
  return (
    <main>
      <p>
        <Link to="end-users">← End-Users</Link>
      </p>
      <Loading loaded={user}>
        {(u) => (
          <>
            <Heading>{u.friendly_name}</Heading>
            <dl class="facts">
              <dt>SID</dt>
              <dd class="sid">{u.sid}</dd>
              <dt>Type</dt>
              <dd>{u.type}</dd>
              <dt>Created</dt>
              <dd>
                <When date={u.date_created} />
              </dd>
            </dl>
            <AttributesTable attributes={u.attributes ?? {}} />
            <button
              type="button"
              class="danger"
              disabled={action.busy}
              onClick={() =>
                confirm(`Delete the end user “${u.friendly_name}”?`) &&
                void action.run(async () => {
                  await api.delete(`${API}/EndUsers/${sid}`);
                  navigate('end-users');
                })
              }
            >
              Delete end user
            </button>
            <Status message={action.message} failed={action.failed} />
          </>
        )}
      </Loading>
    </main>
  );
}

export function AttributesTable({ attributes }: { attributes: Record<string, unknown> }) {
  const entries = Object.entries(attributes);
  return (
    <section aria-labelledby="attributes">
      <h2 id="attributes">Attributes</h2>
      {entries.length === 0 ? (
        <p class="muted">No attributes.</p>
      ) : (
        <dl class="facts">
          {entries.map(([key, value]) => (
            <Fragment key={key}>
              <dt>{key}</dt>
              <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
            </Fragment>
          ))}
        </dl>
      )}
    </section>
  );
}
