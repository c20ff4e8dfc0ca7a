import { readFileSync } from 'node:fs';

/** The page's script as `npm run build` bundles it from `browser/main.ts`. */
export const ADMIN_PAGE_SCRIPT_FILE = 'admin-page.browser.js';

/**
 * The bundled script of the admin page, or null if it is not built. It sits
 * beside this file in the published package (`dist/admin/page/`); when the
 * library runs from its TypeScript source (tests), it is read from the
 * package's `dist/` folder.
 */
export function loadAdminPageScript(): string | null {
  const candidates = [
    new URL(`./${ADMIN_PAGE_SCRIPT_FILE}`, import.meta.url),
    // src/admin/page/ and dist/admin/page/ are both three levels below the package folder.
    new URL(`../../../dist/admin/page/${ADMIN_PAGE_SCRIPT_FILE}`, import.meta.url),
  ];
  for (const file of candidates) {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      // Not there: try the next place.
    }
  }
  return null;
}
