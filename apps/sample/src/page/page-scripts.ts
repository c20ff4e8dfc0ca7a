import { readFileSync } from 'node:fs';

/**
 * A page script as `npm run build` bundles it from `browser/` (see
 * scripts/build-page-scripts.mjs), or null if it is not built. It sits beside
 * this file in `dist/page/`; when the app runs from its TypeScript source
 * (tests), it is read from the app's `dist/` folder.
 */
export function readPageScript(file: string): string | null {
  // src/page/ and dist/page/ are both two levels below the app folder.
  for (const url of [new URL(`./${file}`, import.meta.url), new URL(`../../dist/page/${file}`, import.meta.url)]) {
    try {
      return readFileSync(url, 'utf8');
    } catch {
      // Not there: try the next place.
    }
  }
  return null;
}
