import { useState } from 'preact/hooks';
import type { Api } from '../api.js';
import { API, page } from '../api.js';
import { useLoad } from '../hooks.js';
import { Field, Heading, Link, Loading } from '../ui.js';

interface DetailedField {
  machine_name: string;
  friendly_name: string;
  description?: string;
  constraint?: string;
}

interface Regulation {
  sid: string;
  friendly_name: string;
  iso_country: string;
  number_type: string;
  end_user_type: string;
  requirements: {
    end_user: { name: string; type: string; detailed_fields: DetailedField[] }[];
    supporting_document: { name: string; description: string; accepted_documents: { name: string; type: string; detailed_fields: DetailedField[] }[] }[][];
  };
}

export function Regulations({ api }: { api: Api }) {
  const [country, setCountry] = useState('');
  const [url, setUrl] = useState<string>();
  const list = useLoad(
    () => page<Regulation>(api, url ?? `${API}/Regulations`, url ? {} : { PageSize: '50', IsoCountry: country.trim() || undefined }),
    [url, country],
  );
  return (
    <main>
      <Heading>Regulations</Heading>
      <div class="toolbar">
        <Field label="Country (ISO code, such as DE)">
          <input
            name="iso_country"
            value={country}
            maxLength={2}
            size={4}
            onInput={(e) => {
              const value = e.currentTarget.value;
              if (value.length === 0 || value.length === 2) {
                setCountry(value);
                setUrl(undefined);
              }
            }}
          />
        </Field>
      </div>
      <Loading loaded={list}>
        {(p) => (
          <>
            <ul class="regulations">
              {p.items.map((r) => (
                <li key={r.sid}>
                  <Link to={`regulations/${r.sid}`}>{r.friendly_name}</Link> <span class="muted">({r.number_type}, {r.end_user_type})</span>
                </li>
              ))}
            </ul>
            {p.items.length === 0 && <p class="muted">No regulations for this country.</p>}
            {p.next && (
              <button type="button" onClick={() => setUrl(p.next)}>
                More regulations
              </button>
            )}
          </>
        )}
      </Loading>
    </main>
  );
}

/** A regulation's requirements in plain words: who must be described, and which documents prove it. */
export function RegulationDetail({ api, sid }: { api: Api; sid: string }) {
  const regulation = useLoad(() => api.get<Regulation>(`${API}/Regulations/${sid}`, { IncludeConstraints: 'true' }), [sid]);
  return (
    <main>
      <p>
        <Link to="regulations">← Regulations</Link>
      </p>
      <Loading loaded={regulation}>
        {(r) => (
          <>
            <Heading>{r.friendly_name}</Heading>
            <p>
              To get a {r.number_type} number in {r.iso_country} as {r.end_user_type === 'business' ? 'a business' : 'an individual'}, a bundle needs:
            </p>
            <ol class="requirements">
              {r.requirements.end_user.map((e) => (
                <li key={e.type}>
                  <strong>{e.name} information</strong> (an End-User of type <code>{e.type}</code>) with:
                  <FieldList fields={e.detailed_fields} />
                </li>
              ))}
              {r.requirements.supporting_document.map((group, i) =>
                group.map((req, j) => (
                  <li key={`${i}-${j}`}>
                    <strong>{req.name}</strong>
                    {req.description && <>: {req.description}</>}
                    <p>{req.accepted_documents.length > 1 ? 'Any one of these documents:' : 'This document:'}</p>
                    <ul>
                      {req.accepted_documents.map((d) => (
                        <li key={d.type}>
                          {d.name} (<code>{d.type}</code>), showing:
                          <FieldList fields={d.detailed_fields} />
                        </li>
                      ))}
                    </ul>
                  </li>
                )),
              )}
            </ol>
            <p class="muted sid">{r.sid}</p>
          </>
        )}
      </Loading>
    </main>
  );
}

function FieldList({ fields }: { fields: DetailedField[] }) {
  return (
    <ul class="fields">
      {fields.map((f) => (
        <li key={f.machine_name}>
          {f.friendly_name} <code>{f.machine_name}</code>
          {f.description && <span class="muted"> — {f.description}</span>}
        </li>
      ))}
    </ul>
  );
}
