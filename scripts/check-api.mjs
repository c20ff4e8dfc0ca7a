#!/usr/bin/env node
// The public surface of both packages, checked against the API reports in `libs/*/etc/*.api.md`.
// `npm run check:api` fails when a report is out of date (CI); `npm run api:update` rewrites them after a
// deliberate change, to be committed with it. Also fails when the barrel publishes a declaration marked
// `@internal`. Run after `npm run build`.
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['libs/websocket-tool', 'libs/websocket-tool-client'];
const update = process.argv.includes('--update');

let failed = false;
for (const dir of PACKAGES) {
  const config = ExtractorConfig.loadFileAndPrepare(`${ROOT}${dir}/api-extractor.json`);
  const result = Extractor.invoke(config, { localBuild: update, showVerboseMessages: false });
  const report = readFileSync(config.reportFilePath, 'utf8');
  const problems = [];
  if (!result.succeeded) problems.push(update ? 'api-extractor failed' : `the API report is out of date: run \`npm run api:update\` and commit ${dir}/etc`);
  // Top-level `// @internal` marks an exported declaration (members of public classes are indented).
  for (const line of report.split('\n')) {
    if (line.startsWith('// @internal')) problems.push('a type marked @internal is exported by the barrel');
  }
  if (problems.length > 0) {
    failed = true;
    process.stderr.write(`check:api ${dir}:\n${[...new Set(problems)].map((p) => `  - ${p}`).join('\n')}\n`);
  } else process.stdout.write(`check:api ${dir}: ${update ? 'report written' : 'public API unchanged'}\n`);
}
process.exit(failed ? 1 : 0);
