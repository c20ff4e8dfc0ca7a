import { byId } from './dom.js';

const meta = (name: string): string => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') || '';

/**
 * The API sits where the page does, minus the page's own path: this follows a
 * global prefix or a proxy mounting the app under a sub-path. Otherwise the
 * configured prefix is used.
 */
function apiBase(): string {
  const page = meta('wst-page-path');
  const here = location.pathname.replace(/\/+$/, '');
  return page && here.slice(-page.length) === page ? here.slice(0, here.length - page.length) : meta('wst-api-base');
}

const BASE = apiBase();

/** The URL of an admin API path, for links. */
export const apiUrl = (path: string): string => BASE + path;

/** An answer of the admin API that was not 2xx. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly data: unknown,
  ) {
    super(message);
  }
}

const errorMessage = (data: unknown, status: number): string => {
  const message = data && typeof data === 'object' ? (data as { message?: unknown }).message : undefined;
  return message ? ([] as unknown[]).concat(message).join('; ') : 'HTTP ' + status;
};

/** Calls the admin API with the page's credentials; resolves with the parsed body, rejects with an `ApiError`. */
export async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const options: RequestInit = { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' }, ...init };
  const res = await fetch(BASE + path, options);
  const body = await res.text();
  let data: unknown = null;
  try {
    data = body ? JSON.parse(body) : null;
  } catch {
    data = body;
  }
  if (!res.ok) throw new ApiError(errorMessage(data, res.status), res.status, data);
  return data as T;
}

/** The status of the link to the server in the header badge. */
export function setConnection(status: 'live' | 'connecting' | 'unauthorized' | 'disconnected', detail?: string): void {
  const badge = byId('conn');
  badge.textContent = status;
  badge.className = 'badge ' + (status === 'live' ? 'ok' : status === 'connecting' ? '' : 'crit');
  badge.title = detail || '';
}
