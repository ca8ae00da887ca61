import { render } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { Api } from './api.js';
import { href, navigate, useRoute } from './router.js';
import type { Credentials } from './session.js';
import { clearCredentials, loadCredentials, saveCredentials } from './session.js';
import { Link } from './ui.js';
import { ApiKeys } from './views/ApiKeys.js';
import { BundleDetail } from './views/BundleDetail.js';
import { Bundles } from './views/Bundles.js';
import { DocumentDetail, Documents } from './views/Documents.js';
import { EndUserDetail, EndUsers } from './views/EndUsers.js';
import { RegulationDetail, Regulations } from './views/Regulations.js';
import { SignIn } from './views/SignIn.js';
import './styles.css';

const SECTIONS = [
  { route: 'bundles', label: 'Bundles' },
  { route: 'end-users', label: 'End-Users' },
  { route: 'documents', label: 'Documents' },
  { route: 'regulations', label: 'Regulations' },
  { route: 'keys', label: 'API keys' },
];

function App() {
  const [credentials, setCredentials] = useState<Credentials | undefined>(loadCredentials());
  const route = useRoute();
  const api = useMemo(() => credentials && new Api(credentials), [credentials]);
  if (!credentials || !api) {
    return (
      <SignIn
        onSignedIn={(c) => {
          saveCredentials(c);
          setCredentials(c);
          if (route === '') navigate('bundles');
        }}
      />
    );
  }
  const [section = 'bundles', sid] = route.split('/');
  return (
    <>
      <a class="skip" href="#content">
        Skip to content
      </a>
      <header>
        <a class="brand" href={href('bundles')}>
          regcomp console
        </a>
        <nav aria-label="Sections">
          <ul>
            {SECTIONS.map((s) => (
              <li key={s.route}>
                <Link to={s.route} current={s.route === section}>
                  {s.label}
                </Link>
              </li>
            ))}
            <li>
              <a href="/reference">API reference</a>
            </li>
          </ul>
        </nav>
        <div class="account">
          <span class="sid" title="Signed-in account">
            {credentials.username === credentials.accountSid ? credentials.accountSid : `${credentials.accountSid} (API key ${credentials.username})`}
          </span>
          <button
            type="button"
            onClick={() => {
              clearCredentials();
              setCredentials(undefined);
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <div id="content">
        <View api={api} section={section} sid={sid} key={route} />
      </div>
    </>
  );
}

function View({ api, section, sid }: { api: Api; section: string; sid: string | undefined }) {
  switch (section) {
    case 'end-users':
      return sid ? <EndUserDetail api={api} sid={sid} /> : <EndUsers api={api} />;
    case 'documents':
      return sid ? <DocumentDetail api={api} sid={sid} /> : <Documents api={api} />;
    case 'regulations':
      return sid ? <RegulationDetail api={api} sid={sid} /> : <Regulations api={api} />;
    case 'keys':
      return <ApiKeys api={api} />;
    case 'bundles':
      return sid ? <BundleDetail api={api} sid={sid} /> : <Bundles api={api} />;
    default:
      return (
        <main>
          <h1>Not found</h1>
          <p>
            There is no page here. <Link to="bundles">Go to Bundles</Link>.
          </p>
        </main>
      );
  }
}

render(<App />, document.getElementById('app')!);
