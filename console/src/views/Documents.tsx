import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api.js';
import { API, page } from '../api.js';
import { useAction, useLoad } from '../hooks.js';
import { navigate } from '../router.js';
import { Badge, Field, Heading, Link, Loading, Pager, Status, When } from '../ui.js';
import { AttributesTable } from './EndUsers.js';
import { AttributesInput, parseAttributes, TypePicker } from './forms.js';

export interface SupportingDocument {
  sid: string;
  friendly_name: string;
  type: string;
  status: string;
  mime_type: string | null;
  failure_reason: string | null;
  attributes: Record<string, unknown>;
  date_created: string;
}

const PREVIEWABLE = /^(image\/(png|jpeg|gif|webp)|application\/pdf|text\/plain)$/;

export function Documents({ api }: { api: Api }) {
  const [url, setUrl] = useState(`${API}/SupportingDocuments`);
  const list = useLoad(() => page<SupportingDocument>(api, url, url.includes('?') ? {} : { PageSize: '20' }), [url]);
  return (
    <main>
      <Heading>Supporting Documents</Heading>
      <Loading loaded={list}>
        {(p) => (
          <>
            {p.items.length === 0 ? (
              <p class="muted">No documents on this page.</p>
            ) : (
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Friendly name</th>
                      <th scope="col">Type</th>
                      <th scope="col">Status</th>
                      <th scope="col">File</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.items.map((d) => (
                      <tr key={d.sid}>
                        <td>
                          <Link to={`documents/${d.sid}`}>{d.friendly_name}</Link>
                        </td>
                        <td>{d.type}</td>
                        <td>
                          <Badge status={d.status} />
                        </td>
                        <td>{d.mime_type ?? <span class="muted">none</span>}</td>
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
      <UploadDocument api={api} />
    </main>
  );
}

/** A new document, with its file when one is chosen (multipart, as Twilio's upload host takes it). */
function UploadDocument({ api }: { api: Api }) {
  const [name, setName] = useState('');
  const [type, setType] = useState('government_issued_document');
  const [attributes, setAttributes] = useState('{}');
  const [file, setFile] = useState<File>();
  const action = useAction();
  return (
    <section aria-labelledby="upload-document">
      <h2 id="upload-document">Upload a document</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            const form = new FormData();
            form.append('FriendlyName', name);
            form.append('Type', type);
            form.append('Attributes', JSON.stringify(parseAttributes(attributes)));
            if (file) form.append('File', file, file.name);
            const created = await api.post<SupportingDocument>(`${API}/SupportingDocuments`, form);
            navigate(`documents/${created.sid}`);
          });
        }}
      >
        <Field label="Friendly name">
          <input name="friendly_name" value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={256} />
        </Field>
        <TypePicker api={api} path={`${API}/SupportingDocumentTypes`} label="Document type" value={type} onChange={setType} />
        <AttributesInput value={attributes} onChange={setAttributes} />
        <Field label="File (optional)">
          <input name="file" type="file" onChange={(e) => setFile(e.currentTarget.files?.[0])} />
        </Field>
        <button type="submit" class="primary" disabled={action.busy}>
          Upload document
        </button>
        <Status message={action.message} failed={action.failed} />
      </form>
    </section>
  );
}

export function DocumentDetail({ api, sid }: { api: Api; sid: string }) {
  const doc = useLoad(() => api.get<SupportingDocument>(`${API}/SupportingDocuments/${sid}`), [sid]);
  const action = useAction();
  return (
    <main>
      <p>
        <Link to="documents">← Supporting Documents</Link>
      </p>
      <Loading loaded={doc}>
        {(d) => (
          <>
            <Heading>{d.friendly_name}</Heading>
            <dl class="facts">
              <dt>SID</dt>
              <dd class="sid">{d.sid}</dd>
              <dt>Type</dt>
              <dd>{d.type}</dd>
              <dt>Status</dt>
              <dd>
                <Badge status={d.status} />
              </dd>
              <dt>Created</dt>
              <dd>
                <When date={d.date_created} />
              </dd>
              <dt>File</dt>
              <dd>{d.mime_type ?? 'No file was uploaded.'}</dd>
            </dl>
            <AttributesTable attributes={d.attributes} />
            {d.mime_type && <FileView api={api} doc={d} />}
            <button
              type="button"
              class="danger"
              disabled={action.busy}
              onClick={() =>
                confirm(`Delete the document “${d.friendly_name}” and its file?`) &&
                void action.run(async () => {
                  await api.delete(`${API}/SupportingDocuments/${sid}`);
                  navigate('documents');
                })
              }
            >
              Delete document
            </button>
            <Status message={action.message} failed={action.failed} />
          </>
        )}
      </Loading>
    </main>
  );
}

/** The file, fetched with the credentials (a plain link could not send them) into a blob: URL. */
function FileView({ api, doc }: { api: Api; doc: SupportingDocument }) {
  const file = useLoad(() => api.blob(`${API}/SupportingDocuments/${doc.sid}/File`), [doc.sid]);
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!file.data) return;
    const made = URL.createObjectURL(file.data);
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [file.data]);
  return (
    <section aria-labelledby="file">
      <h2 id="file">File</h2>
      <Loading loaded={file}>
        {(blob) =>
          url && (
            <>
              <p>
                <a href={url} download={`${doc.sid}${extensionOf(doc.mime_type)}`} class="button">
                  Download file ({blob.size.toLocaleString()} bytes)
                </a>
              </p>
              {PREVIEWABLE.test(doc.mime_type ?? '') &&
                (doc.mime_type!.startsWith('image/') ? (
                  <img class="preview" src={url} alt={`Preview of ${doc.friendly_name}`} />
                ) : (
                  <iframe class="preview" src={url} title={`Preview of ${doc.friendly_name}`} />
                ))}
            </>
          )
        }
      </Loading>
    </section>
  );
}

function extensionOf(mime: string | null): string {
  const known: Record<string, string> = { 'application/pdf': '.pdf', 'image/png': '.png', 'image/jpeg': '.jpg', 'text/plain': '.txt' };
  return known[mime ?? ''] ?? '';
}
