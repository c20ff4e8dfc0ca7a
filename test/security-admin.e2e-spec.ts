import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { ProtectedPrometheusController } from '@websocket-tool/nestjs/prometheus';
import { register } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { statusWithHost } from './utils/status-with-host.js';

import { createTestApp, type TestApp } from './utils/create-test-app.js';

const TOKEN = 'a-long-random-admin-token-0123456789';

describe('security: protected admin and metrics', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
    register.clear();
  });

  it('with an admin token, admin routes and the protected /metrics need it; the body never tells more', async () => {
    t = await createTestApp(
      { isGlobal: true, adminToken: TOKEN },
      { imports: [PrometheusModule.register({ controller: ProtectedPrometheusController })] },
    );
    for (const path of ['/ws/stats', '/info/config', '/ws/clients', '/metrics']) {
      const refused = await fetch(t.http + path);
      expect(refused.status, path).toBe(401);
      const body = await refused.text();
      expect(body).not.toContain(TOKEN);
      const wrong = await fetch(t.http + path, { headers: { authorization: 'Bearer wrong-token-wrong-token-wrong' } });
      expect(wrong.status, path).toBe(401);
      const allowed = await fetch(t.http + path, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(allowed.status, path).toBe(200);
    }
    const metrics = await (await fetch(`${t.http}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(metrics).toContain('fp_websocket_tool_connections_total');
    const config = await (await fetch(`${t.http}/info/config`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(config).not.toContain(TOKEN);
  });

  it('without a token, admin routes answer local requests only: a request that came through a proxy is refused', async () => {
    t = await createTestApp();
    expect((await fetch(`${t.http}/ws/stats`)).status).toBe(200);
    expect((await fetch(`${t.http}/ws/stats`, { headers: { 'x-forwarded-for': '198.51.100.7' } })).status).toBe(403);
    expect(await statusWithHost(`${t.http}/ws/stats`, 'admin.example.com')).toBe(403);
    expect(await statusWithHost(`${t.http}/ws/stats`, `localhost:${t.port}`)).toBe(200);
  });

  it.each([
    ['Via', '1.1 proxy.example'],
    ['X-Client-IP', '198.51.100.7'],
    ['True-Client-IP', '198.51.100.7'],
    ['CF-Connecting-IP', '198.51.100.7'],
    ['X-Original-Forwarded-For', '198.51.100.7'],
    ['X-Forwarded-Proto', 'https'],
    ['Forwarded', 'for=198.51.100.7'],
    ['X-Real-IP', '198.51.100.7'],
    ['X-Forwarded-Host', 'admin.example.com'],
  ])('without a token, a local-looking request that carries %s (a proxy is in between) is refused', async (header, value) => {
    t = await createTestApp();
    for (const path of ['/ws/stats', '/info/config']) {
      const refused = await fetch(`${t.http}${path}`, { headers: { [header]: value } });
      expect(refused.status, `${path} with ${header}`).toBe(403);
      expect(await refused.text()).not.toContain('"active_connections"');
    }
    expect((await fetch(`${t.http}/ws/stats`)).status).toBe(200);
  });
});
