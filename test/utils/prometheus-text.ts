/** One sample line of the Prometheus text format. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A parsed scrape: every sample, and the `# TYPE` of every metric family. */
export interface PromScrape {
  samples: PromSample[];
  types: Map<string, string>;
  /** The single sample of `name` whose labels include `labels`; throws if there is none or more than one. */
  value(name: string, labels?: Record<string, string>): number;
  /** Every sample of `name`. */
  all(name: string): PromSample[];
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

const parseValue = (text: string): number =>
  text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : text === 'NaN' ? Number.NaN : Number(text);

/** Parses the Prometheus text exposition format (what `/metrics` serves). */
export function parsePrometheusText(text: string): PromScrape {
  const samples: PromSample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      types.set(name as string, type as string);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const match = LINE.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (match[2] ?? '').matchAll(LABEL)) {
      labels[key as string] = (raw as string).replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    }
    samples.push({ name: match[1] as string, labels, value: parseValue(match[3] as string) });
  }
  const all = (name: string) => samples.filter((s) => s.name === name);
  return {
    samples,
    types,
    all,
    value(name, labels = {}) {
      const found = all(name).filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
      if (found.length !== 1) throw new Error(`expected one sample of ${name} ${JSON.stringify(labels)}, found ${found.length}`);
      return (found[0] as PromSample).value;
    },
  };
}

/** GETs `/metrics` of a running app and parses it. */
export async function scrape(httpBase: string, path = '/metrics'): Promise<PromScrape> {
  const res = await fetch(httpBase + path);
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
  return parsePrometheusText(await res.text());
}
