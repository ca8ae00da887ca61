import { useState } from 'preact/hooks';
import { Api, CONTROL } from '../api.js';
import { messageOf } from '../hooks.js';
import type { Credentials } from '../session.js';
import { Field, Status } from '../ui.js';

const SID = /^AC[0-9a-fA-F]{32}$/;
const KEY_SID = /^SK[0-9a-fA-F]{32}$/;

/** Sign in with an Account SID and its Auth Token, or with an API key's SID and secret. */
export function SignIn({ onSignedIn }: { onSignedIn: (credentials: Credentials) => void }) {
  const [accountSid, setAccountSid] = useState('');
  const [keySid, setKeySid] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const account = accountSid.trim();
    const key = keySid.trim();
    if (!SID.test(account)) return setError('The Account SID is AC followed by 32 hexadecimal digits.');
    if (key !== '' && !KEY_SID.test(key)) return setError('An API key SID is SK followed by 32 hexadecimal digits.');
    if (secret === '') return setError(key === '' ? 'Enter the Auth Token.' : "Enter the API key's secret.");
    const credentials = { username: key || account, password: secret, accountSid: account };
    setBusy(true);
    setError(undefined);
    try {
      // Any authenticated read proves the credentials; this one is small.
      await new Api(credentials).get(`${CONTROL}/ReviewPolicy`);
      onSignedIn(credentials);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="signin">
      <h1>Sign in to the regcomp console</h1>
      <p>
        Use the Account SID and Auth Token regcomp printed when it created the account (or an API key). They are kept in this tab
        only, until you sign out or close it.
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label="Account SID">
          <input name="account_sid" autoComplete="username" spellcheck={false} value={accountSid} onInput={(e) => setAccountSid(e.currentTarget.value)} required />
        </Field>
        <Field label="Auth Token or API key secret">
          <input name="secret" type="password" autoComplete="current-password" value={secret} onInput={(e) => setSecret(e.currentTarget.value)} required />
        </Field>
        <Field label="API key SID (optional)" hint="Only when signing in with an API key: SK…">
          <input name="key_sid" spellcheck={false} value={keySid} onInput={(e) => setKeySid(e.currentTarget.value)} />
        </Field>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <Status failed message={error} />
      </form>
    </main>
  );
}
