import type { DisconnectAnswer } from './admin-api.types.js';
import { request } from './api-client.js';
import { query, sortsAscending } from './client-query.js';
import { byId, notice } from './dom.js';

/** How long typing in the search box waits before it asks the API. */
const SEARCH_DEBOUNCE_MS = 250;

function disconnect(id: string, refresh: () => void): void {
  if (!window.confirm('Disconnect client "' + id + '"? It will be closed with code 4000.')) return;
  request<DisconnectAnswer>('/ws/clients/' + encodeURIComponent(id), { method: 'DELETE' }).then(
    (res) => {
      notice(res.message);
      refresh();
    },
    (err: Error) => notice('Disconnect failed: ' + err.message),
  );
}

function wireSortHeaders(refresh: () => void): void {
  const headers = document.querySelectorAll<HTMLElement>('th[data-sort]');
  for (const th of headers) {
    th.addEventListener('click', () => {
      const key = th.getAttribute('data-sort') ?? '';
      if (query.sort === key) query.order = query.order === 'asc' ? 'desc' : 'asc';
      else {
        query.sort = key;
        query.order = sortsAscending(key) ? 'asc' : 'desc';
      }
      for (const other of headers) {
        other.textContent = other.getAttribute('data-label') + (other === th ? (query.order === 'asc' ? ' ▲' : ' ▼') : '');
      }
      query.offset = 0;
      refresh();
    });
  }
}

/** Wires search, page size, the pager, the sortable headers and the Disconnect buttons; `refresh` polls at once. */
export function wireClientControls(refresh: () => void): void {
  const search = byId<HTMLInputElement>('client-search');
  let debounce: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      query.q = search.value.trim();
      query.offset = 0;
      refresh();
    }, SEARCH_DEBOUNCE_MS);
  });
  const pageSize = byId<HTMLSelectElement>('page-size');
  pageSize.addEventListener('change', () => {
    query.limit = Number(pageSize.value);
    query.offset = 0;
    refresh();
  });
  byId('prev').addEventListener('click', () => {
    query.offset = Math.max(0, query.offset - query.limit);
    refresh();
  });
  byId('next').addEventListener('click', () => {
    query.offset += query.limit;
    refresh();
  });
  wireSortHeaders(refresh);
  // One listener for every row's button: rows come and go with each poll.
  byId('clients-body').addEventListener('click', (event) => {
    const button = (event.target as Element | null)?.closest('button.disconnect');
    const id = button?.closest('tr')?.dataset.clientId;
    if (id !== undefined) disconnect(id, refresh);
  });
}
