import { ApiError, request } from './api-client.js';
import type { PresenceAnswer } from './admin-api.types.js';
import { byId, el, setText } from './dom.js';
import { fmt } from './format.js';

/** Cells of a member's row, as text: client, user, node, info, joined. */
const cells = (m: PresenceAnswer['members'][number]): string[] => [
  m.clientId,
  m.userId ?? '',
  m.node,
  JSON.stringify(m.info),
  new Date(m.joinedAt).toLocaleTimeString(),
];

/** Shows the members of one topic with presence (`GET /ws/topics/{topic}/presence`); every value is set as text. */
async function show(topic: string): Promise<void> {
  const body = byId('presence-body');
  body.replaceChildren();
  byId('presence-empty').hidden = true;
  if (!topic) return;
  try {
    const data = await request<PresenceAnswer>('/ws/topics/' + encodeURIComponent(topic) + '/presence');
    setText('presence-sub', fmt(data.stats.clients) + ' members · ' + fmt(data.stats.users) + ' users');
    for (const member of data.members) {
      const tr = el('tr');
      for (const text of cells(member)) tr.appendChild(el('td', { class: 'id' }, text));
      body.appendChild(tr);
    }
    byId('presence-empty').hidden = data.members.length > 0;
  } catch (err) {
    setText('presence-sub', err instanceof ApiError && err.status === 404 ? 'no presence on this topic' : String(err));
  }
}

/** The form that asks for a topic's members; a click on a row of the topics table fills it in. */
export function wirePresencePanel(): void {
  const input = byId<HTMLInputElement>('presence-topic');
  byId('presence-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void show(input.value.trim());
  });
  byId('topics-body').addEventListener('click', (event) => {
    const row = (event.target as HTMLElement).closest('tr');
    const topic = row?.getAttribute('data-topic');
    if (!topic) return;
    input.value = topic;
    void show(topic);
  });
}
