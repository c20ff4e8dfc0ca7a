import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { adminPageCsp, renderAdminPage } from './admin-page.html.js';

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('the admin page markup and its Content-Security-Policy', () => {
  it('inlines the script and allows exactly that script by its hash', () => {
    const script = 'console.info("admin")';
    const html = renderAdminPage('/ops', '/ws-admin', script);
    expect(html).toContain(`<script>${script}</script>`);
    expect(adminPageCsp(script)).toContain(`script-src ${sha256(script)};`);
    expect(adminPageCsp(script)).toContain("default-src 'none'");
  });

  it('without a built script, says so and allows no script at all', () => {
    const html = renderAdminPage('/ops', '/ws-admin', null);
    expect(html).not.toContain('<script');
    expect(html).toContain('npm run build');
    expect(adminPageCsp(null)).toContain("script-src 'none';");
  });

  it('escapes the paths it writes into attributes', () => {
    const html = renderAdminPage('/a"><script>x</script>', '/p', null);
    expect(html).toContain('content="/a&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
  });
});
