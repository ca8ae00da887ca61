import type { Credentials } from './session.js';

export const API = '/v2/RegulatoryCompliance';
export const CONTROL = '/regcomp';

/** A Twilio-shaped failure: `{code, message, more_info, status}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

export type Params = Record<string, string | undefined>;

/** A client of regcomp's public and control APIs, as any other client: Basic auth, forms. */
export class Api {
  constructor(private readonly credentials: Credentials) {}

  get<T>(path: string, query: Params = {}): Promise<T> {
    return this.call<T>('GET', withQuery(path, query));
  }

  post<T>(path: string, form: Params | FormData = {}): Promise<T> {
    return this.call<T>('POST', path, form instanceof FormData ? form : formBody(form));
  }

  delete(path: string): Promise<void> {
    return this.call<void>('DELETE', path);
  }

  /** A stored file, as a Blob (for download and preview). */
  async blob(path: string): Promise<Blob> {
    const response = await this.fetch('GET', path);
    return response.blob();
  }

  private async call<T>(method: string, path: string, body?: BodyInit): Promise<T> {
    const response = await this.fetch(method, path, body);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  private async fetch(method: string, path: string, body?: BodyInit): Promise<Response> {
    const response = await fetch(path, {
      method,
      body,
      // 'omit': a 401 never opens the browser's own sign-in prompt; the header is ours.
      credentials: 'omit',
      headers: { authorization: `Basic ${btoa(`${this.credentials.username}:${this.credentials.password}`)}` },
    });
    if (!response.ok) throw await errorOf(response);
    return response;
  }
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { code?: number; message?: string };
    return new ApiError(response.status, body.code, body.message ?? response.statusText);
  } catch {
    return new ApiError(response.status, undefined, `${response.status} ${response.statusText}`);
  }
}

function formBody(form: Params): URLSearchParams {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) if (value !== undefined) body.set(key, value);
  return body;
}

function withQuery(path: string, query: Params): string {
  const search = formBody(query).toString();
  return search === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${search}`;
}

/** A page of a Twilio list, with the URL of the next and previous pages. */
export interface Page<T> {
  items: T[];
  next: string | undefined;
  previous: string | undefined;
}

interface TwilioPage {
  meta: { key: string; next_page_url: string | null; previous_page_url: string | null };
  [key: string]: unknown;
}

/** Reads one page of a list; `url` is a page URL the API gave (next/previous) or a list path. */
export async function page<T>(api: Api, url: string, query: Params = {}): Promise<Page<T>> {
  const body = await api.get<TwilioPage>(pathOnly(url), query);
  return { items: body[body.meta.key] as T[], next: pathOnly(body.meta.next_page_url), previous: pathOnly(body.meta.previous_page_url) };
}

function pathOnly(url: string): string;
function pathOnly(url: string | null): string | undefined;
function pathOnly(url: string | null): string | undefined {
  if (url === null) return undefined;
  const parsed = new URL(url, location.origin);
  return `${parsed.pathname}${parsed.search}`;
}
