import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { Loaded } from './hooks.js';
import { follow, href } from './router.js';

export function Link({ to, children, class: className, current }: { to: string; children: ComponentChildren; class?: string; current?: boolean }) {
  return (
    <a href={href(to)} class={className} aria-current={current ? 'page' : undefined} onClick={(e) => follow(e, to)}>
      {children}
    </a>
  );
}

/** A view's heading; it takes focus when the view opens, so screen readers announce it. */
export function Heading({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

/** What a load or an action came to, announced politely. */
export function Status({ message, failed }: { message: string | undefined; failed?: boolean }) {
  return (
    <p role={failed ? 'alert' : 'status'} class={failed ? 'status failed' : 'status'}>
      {message ?? ''}
    </p>
  );
}

/** Children once loaded; else "Loading…" or the error. */
export function Loading<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (loaded.error) return <Status failed message={loaded.error} />;
  if (loaded.data === undefined) return <p class="muted">Loading…</p>;
  return <>{children(loaded.data)}</>;
}

export function Field({ label, children, hint }: { label: string; children: ComponentChildren; hint?: string }) {
  return (
    <label class="field">
      <span class="label">{label}</span>
      {children}
      {hint && <span class="hint">{hint}</span>}
    </label>
  );
}

export function Badge({ status }: { status: string }) {
  return <span class={`badge badge-${status}`}>{status}</span>;
}

export function Pager({ previous, next, onPage }: { previous: string | undefined; next: string | undefined; onPage: (url: string) => void }) {
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={!previous} onClick={() => previous && onPage(previous)}>
        ← Previous page
      </button>
      <button type="button" disabled={!next} onClick={() => next && onPage(next)}>
        Next page →
      </button>
    </nav>
  );
}

/** A Twilio date (UTC, to the second) in words a person reads. */
export function When({ date }: { date: string | null | undefined }) {
  if (!date) return <span class="muted">—</span>;
  return <time dateTime={date}>{date.replace('T', ' ').replace('Z', ' UTC')}</time>;
}
