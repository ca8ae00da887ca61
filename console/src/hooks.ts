import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.js';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

/** Loads `load()` when `deps` change; `reload()` loads again. Stale answers are dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current && setState({ data, loading: false }),
      (err: unknown) => current && setState({ error: messageOf(err), loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.code === undefined ? err.message : `${err.message} (error ${err.code})`;
  return err instanceof Error ? err.message : String(err);
}

/** Runs an action, keeping its outcome for an aria-live status line. */
export function useAction(): { busy: boolean; message: string | undefined; failed: boolean; run: (what: () => Promise<string | void>) => Promise<boolean> } {
  const [state, setState] = useState<{ busy: boolean; message?: string; failed: boolean }>({ busy: false, failed: false });
  const run = useCallback(async (what: () => Promise<string | void>) => {
    setState({ busy: true, failed: false });
    try {
      const message = await what();
      setState({ busy: false, failed: false, ...(message ? { message } : {}) });
      return true;
    } catch (err) {
      setState({ busy: false, failed: true, message: messageOf(err) });
      return false;
    }
  }, []);
  return { busy: state.busy, message: state.message, failed: state.failed, run };
}
