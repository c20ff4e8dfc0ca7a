import type { ClientsAnswer, StatsAnswer, TopicsAnswer } from './admin-api.types.js';
import { ApiError, request, setConnection } from './api-client.js';
import { clientsPath } from './client-query.js';
import { renderClients } from './clients-table.js';
import { notice, setText } from './dom.js';
import { renderStats } from './stats-view.js';
import { renderTopics } from './topics-table.js';

const POLL_MS = 1000;
/** Slower while the API does not answer. */
const RETRY_MS = 2000;

let timer: ReturnType<typeof setTimeout> | undefined;
let busy = false;
let again = false;
let failures = 0;

function showFailure(err: unknown): void {
  failures++;
  const status = err instanceof ApiError ? err.status : 0;
  const message = err instanceof Error ? err.message : String(err);
  if (status === 401 || status === 403) setConnection('unauthorized', message);
  else if (status === 400) {
    setConnection('live');
    notice(message);
  } else setConnection('disconnected', message);
}

/**
 * Fetches the stats, the current page of clients and the topics and renders them, then
 * schedules the next poll. A call while one is in flight runs once more right
 * after it, so a click is never lost and polls never overlap.
 */
export function tick(): void {
  if (busy) {
    again = true;
    return;
  }
  busy = true;
  clearTimeout(timer);
  Promise.all([request<StatsAnswer>('/ws/stats'), request<ClientsAnswer>(clientsPath()), request<TopicsAnswer>('/ws/topics')])
    .then(([stats, clients, topics]) => {
      renderStats(stats);
      renderClients(clients);
      renderTopics(topics);
      failures = 0;
      setConnection('live');
      setText('updated', 'updated ' + new Date().toLocaleTimeString());
    }, showFailure)
    .then(() => {
      busy = false;
      if (again) {
        again = false;
        tick();
      } else timer = setTimeout(tick, failures ? RETRY_MS : POLL_MS);
    });
}
