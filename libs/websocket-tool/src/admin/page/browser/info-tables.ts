import type { ConfigAnswer, HandlersAnswer } from './admin-api.types.js';
import { request } from './api-client.js';
import { byId, el } from './dom.js';

const rateLimitText = (limit: HandlersAnswer['handlers'][number]['rate_limit']): string =>
  limit === null ? 'default' : limit === false ? 'none' : limit.limit + ' / ' + limit.window + ' s';

function renderHandlers(data: HandlersAnswer): void {
  const body = byId('handlers-body');
  body.replaceChildren();
  for (const h of data.handlers) {
    const tr = el('tr');
    tr.appendChild(el('td', { class: 'id' }, h.type));
    tr.appendChild(el('td', null, h.provider + '.' + h.method));
    tr.appendChild(el('td', null, h.dto || '—'));
    tr.appendChild(el('td', null, rateLimitText(h.rate_limit)));
    body.appendChild(tr);
  }
  byId('handlers-empty').hidden = data.handlers.length > 0;
}

function renderSettings(data: ConfigAnswer): void {
  const body = byId('config-body');
  body.replaceChildren();
  for (const s of data.settings) {
    const tr = el('tr');
    tr.appendChild(el('td', { class: 'id' }, s.option));
    tr.appendChild(el('td', { class: 'id' }, s.env));
    tr.appendChild(el('td', null, JSON.stringify(s.value)));
    tr.appendChild(el('td', { class: 'muted' }, JSON.stringify(s.default)));
    tr.appendChild(el('td', null, s.source));
    body.appendChild(tr);
  }
}

/** Loads the tables that change rarely: the message handlers and the settings. Failures leave them as they were. */
export function loadInfo(): void {
  request<HandlersAnswer>('/ws/handlers').then(renderHandlers, () => undefined);
  request<ConfigAnswer>('/info/config').then(renderSettings, () => undefined);
}
