import type { SendAnswer } from './admin-api.types.js';
import { ApiError, request } from './api-client.js';
import { byId } from './dom.js';

interface SendBody {
  type: string;
  content: unknown;
  meta?: Record<string, unknown>;
  client_id?: string;
  topic?: string;
}

const value = (id: string): string => byId<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(id).value;

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(what + ' is not valid JSON: ' + (e as Error).message, { cause: e });
  }
}

/** The body of `POST /ws/send-message` from the form; throws with a message for the user when a field is wrong. */
function sendBody(): SendBody {
  const type = value('send-type').trim();
  if (!type) throw new Error('Type is required.');
  const raw = value('send-content');
  const body: SendBody = { type, content: byId<HTMLInputElement>('send-content-json').checked ? parseJson(raw, 'Content') : raw };
  const metaText = value('send-meta').trim();
  if (metaText) {
    const meta = parseJson(metaText, 'Meta');
    if (!meta || typeof meta !== 'object' || Array.isArray(meta)) throw new Error('Meta must be a JSON object.');
    body.meta = meta as Record<string, unknown>;
  }
  const target = value('send-target');
  const to = value('send-to').trim();
  if (target !== 'all' && !to) throw new Error('Say which ' + (target === 'topic' ? 'topic' : 'client') + ' to send to.');
  if (target === 'client') body.client_id = to;
  if (target === 'topic') body.topic = to;
  return body;
}

/** Wires the "Send a message" form: the target picker and the submit. */
export function wireSendForm(): void {
  const target = byId<HTMLSelectElement>('send-target');
  const to = byId<HTMLInputElement>('send-to');
  target.addEventListener('change', () => {
    to.disabled = target.value === 'all';
    to.placeholder = target.value === 'topic' ? 'topic name' : target.value === 'client' ? 'client id' : 'everyone';
  });
  byId('send-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const out = byId('send-result');
    let body: SendBody;
    try {
      body = sendBody();
    } catch (err) {
      out.textContent = (err as Error).message;
      return;
    }
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    request<SendAnswer>('/ws/send-message', { method: 'POST', body: JSON.stringify(body), headers }).then(
      (res) => {
        out.textContent = '202 ' + res.message + ' (queued ' + res.queued + ', dropped ' + res.dropped + ')';
      },
      (err: Error) => {
        out.textContent = ((err instanceof ApiError && err.status) || 'network') + ' ' + err.message;
      },
    );
  });
}
