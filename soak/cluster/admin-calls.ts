import { request as httpRequest } from 'node:http';
import { getJson } from '../../test/reliability/support/server-process.js';

/** A client row of `GET /ws/clients` in cluster mode. */
export interface ClusterClientRow {
  client_id: string;
  node_id: string;
}

/** `POST /ws/send-message` to one client on a fresh connection; resolves with the status (0: no answer). */
export function sendToClient(http: string, clientId: string, type: string): Promise<number> {
  const body = JSON.stringify({ type, content: clientId, client_id: clientId });
  return new Promise((resolve) => {
    const req = httpRequest(
      `${http}/ws/send-message`,
      {
        method: 'POST',
        agent: false,
        headers: { connection: 'close', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.setTimeout(10_000, () => req.destroy());
    req.end(body);
  });
}

/** `GET /ws/clients?q=` on one node: the matching clients of every node that answered, and the nodes that did not. */
export async function searchClients(http: string, q: string): Promise<{ clients: ClusterClientRow[]; missing: string[] }> {
  const { status, body } = await getJson(`${http}/ws/clients?q=${encodeURIComponent(q)}`);
  if (status !== 200) throw new Error(`GET /ws/clients answered ${status}`);
  const page = body as { clients: ClusterClientRow[]; missing_nodes?: string[] };
  return { clients: page.clients, missing: page.missing_nodes ?? [] };
}
