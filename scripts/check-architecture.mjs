#!/usr/bin/env node
// The structure rules of docs/architecture.md: the layer rules of .dependency-cruiser.cjs (no folder imports
// a folder above it, nothing imports admin/, protocol/ imports no other folder, no file cycle), and no source
// file of either package longer than MAX_LINES.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = ['libs/websocket-tool/src', 'libs/websocket-tool-client/src'];
const MAX_LINES = 400;

const cruise = spawnSync(join(ROOT, 'node_modules/.bin/depcruise'), ['libs', '--config', '.dependency-cruiser.cjs', '--output-type', 'err-long'], {
  cwd: ROOT,
  stdio: 'inherit',
});

const sourceFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return (entry.name.endsWith('.ts') || entry.name.endsWith('.mts')) && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });

const tooLong = SOURCES.flatMap((dir) => sourceFiles(join(ROOT, dir)))
  .map((path) => ({ path: relative(ROOT, path), lines: readFileSync(path, 'utf8').split('\n').length - 1 }))
  .filter((file) => file.lines > MAX_LINES);
for (const file of tooLong) process.stderr.write(`check:architecture ${file.path}: ${file.lines} lines (at most ${MAX_LINES})\n`);
if (tooLong.length === 0) process.stdout.write(`check:architecture every source file has at most ${MAX_LINES} lines\n`);

process.exit(cruise.status === 0 && tooLong.length === 0 ? 0 : 1);
