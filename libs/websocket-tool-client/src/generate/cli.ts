#!/usr/bin/env node
/// <reference types="node" />
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { checkClient, generateClient } from './generate-client.js';

const USAGE = `Usage: websocket-tool-client generate <url-or-file> -o <file.ts> [--check] [--token <admin token>]

Writes a typed client (types and a facade over WebSocketToolClient) from a
server's AsyncAPI document, e.g. http://localhost:3000/ws/asyncapi.json.
  -o, --out <file>   where to write the TypeScript
  --check            write nothing; exit 1 and name each changed message and
                     field when <file> is not what the document gives now
  --token <token>    the admin token, when the server requires one
                     (default: the FP_WST_ADMIN_TOKEN environment variable)`;

interface Args {
  source: string;
  out: string;
  check: boolean;
  token: string | undefined;
}

function parseArgs(argv: string[]): Args | string {
  const [command, ...rest] = argv;
  if (command !== 'generate')
    return command === undefined || command === '--help' || command === '-h' ? '' : `unknown command "${command}"`;
  const args: Partial<Args> = { check: false, token: process.env.FP_WST_ADMIN_TOKEN || undefined };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '-o' || arg === '--out') args.out = rest[++i];
    else if (arg === '--check') args.check = true;
    else if (arg === '--token') args.token = rest[++i];
    else if (arg === '--help' || arg === '-h') return '';
    else if (arg.startsWith('-')) return `unknown option "${arg}"`;
    else if (args.source === undefined) args.source = arg;
    else return `unexpected argument "${arg}"`;
  }
  if (!args.source) return 'the document to read (a URL or a file) is missing';
  if (!args.out) return 'the file to write (-o <file.ts>) is missing';
  return args as Args;
}

async function readDocument(source: string, token: string | undefined): Promise<unknown> {
  if (!/^https?:\/\//.test(source)) return JSON.parse(readFileSync(source, 'utf8'));
  const res = await fetch(source, { headers: { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) } });
  if (!res.ok)
    throw new Error(
      `${source} answered ${res.status}${res.status === 401 || res.status === 403 ? ' (give the admin token with --token)' : ''}`,
    );
  return res.json();
}

function readExisting(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    process.stderr.write(`${args ? `websocket-tool-client: ${args}\n\n` : ''}${USAGE}\n`);
    return args ? 2 : 0;
  }
  const document = await readDocument(args.source, args.token);
  if (args.check) {
    const report = checkClient(readExisting(args.out), document);
    if (report.upToDate) {
      process.stdout.write(`${args.out} is up to date\n`);
      return 0;
    }
    const changes = report.changes.length > 0 ? report.changes : ['the generated text differs (no message or field changed)'];
    process.stderr.write(
      `${args.out} is out of date with ${args.source}:\n${changes.map((c) => `  - ${c}`).join('\n')}\nRun the command without --check to regenerate it.\n`,
    );
    return 1;
  }
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, generateClient(document));
  process.stdout.write(`wrote ${args.out}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`websocket-tool-client: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
