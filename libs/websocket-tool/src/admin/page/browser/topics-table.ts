import type { TopicsAnswer } from './admin-api.types.js';
import { byId, el, setText } from './dom.js';
import { fmt } from './format.js';

type TopicRow = TopicsAnswer['topics'][number];

/** Cells of a topic's row, as text: name, subscribers, offset, messages kept, epoch, shard (on a Redis Cluster). */
const cells = (t: TopicRow): string[] => [
  t.topic,
  fmt(t.subscribers),
  t.history ? fmt(t.history.offset) : '—',
  t.history ? fmt(t.history.size) : '—',
  t.history ? t.history.epoch : 'no history',
  t.shard ? (t.shard.master ?? '?') + ' (slot ' + t.shard.slot + ')' : '—',
];
const CLASSES = ['id', 'num', 'num', 'num', 'id muted', 'id muted'];

const rows = new Map<string, HTMLElement>();

/** Updates the topics table in place from `GET /ws/topics`; names are set as text, never as markup. */
export function renderTopics(data: TopicsAnswer): void {
  const body = byId('topics-body');
  const seen = new Set<string>();
  data.topics.forEach((t, index) => {
    let tr = rows.get(t.topic);
    if (!tr) {
      tr = el('tr');
      tr.setAttribute('data-topic', t.topic);
      for (const cls of CLASSES) tr.appendChild(el('td', { class: cls }));
      rows.set(t.topic, tr);
    }
    seen.add(t.topic);
    cells(t).forEach((text, i) => {
      const cell = tr.children[i] as HTMLElement;
      if (cell.textContent !== text) cell.textContent = text;
    });
    if (body.children[index] !== tr) body.insertBefore(tr, body.children[index] || null);
  });
  for (const [topic, tr] of rows) {
    if (!seen.has(topic)) {
      tr.remove();
      rows.delete(topic);
    }
  }
  const withHistory = data.topics.filter((t) => t.history !== null).length;
  const missing =
    data.missing_nodes && data.missing_nodes.length ? ' · topics of ' + data.missing_nodes.join(', ') + ' missing (no answer)' : '';
  setText('topics-sub', fmt(data.total) + ' with subscribers, ' + fmt(withHistory) + ' with history' + missing);
  byId('topics-empty').hidden = data.topics.length > 0;
}
