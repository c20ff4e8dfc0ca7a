import { describe, expect, it } from 'vitest';
import { isPackageMissing } from './optional-peer.js';

/** What Node throws for `import(name)` of a package that is not installed. */
async function importError(name: string): Promise<unknown> {
  try {
    await import(/* @vite-ignore */ name);
  } catch (error) {
    return error;
  }
  throw new Error(`${name} loaded`);
}

describe('isPackageMissing', () => {
  it("recognises Node's error for a package that is not installed, for that package only", async () => {
    const error = await importError('websocket-tool-no-such-package');
    expect(isPackageMissing(error, 'websocket-tool-no-such-package')).toBe(true);
    expect(isPackageMissing(error, 'prom-client')).toBe(false);
  });

  it('does not take a package that is there but fails to load for a missing one', () => {
    const broken = Object.assign(new Error("Cannot find module './lib/x.js' imported from /app/node_modules/prom-client/index.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    expect(isPackageMissing(broken, 'prom-client')).toBe(false);
    expect(isPackageMissing(new SyntaxError("Unexpected token in 'prom-client'"), 'prom-client')).toBe(false);
    expect(isPackageMissing(undefined, 'prom-client')).toBe(false);
  });
});
