/** What the clients table asks the API for: search, sort and page. */
export const query = {
  q: '',
  sort: '',
  order: 'asc' as 'asc' | 'desc',
  limit: 25,
  offset: 0,
};

/** `GET /ws/clients` with the current search, sort and page. */
export function clientsPath(): string {
  const params = new URLSearchParams({ limit: String(query.limit), offset: String(query.offset) });
  if (query.q) params.set('q', query.q);
  if (query.sort) {
    params.set('sort', query.sort);
    params.set('order', query.order);
  }
  return '/ws/clients?' + params.toString();
}

/** Columns sorted A→Z on the first click; the counters start with the largest. */
export const sortsAscending = (key: string): boolean => key === 'client_id' || key === 'ip' || key === 'type' || key === 'node_id';
