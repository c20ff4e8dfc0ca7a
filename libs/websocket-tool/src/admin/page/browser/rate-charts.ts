import type { StatsCounters } from './admin-api.types.js';
import { byId, setText } from './dom.js';
import { fmt } from './format.js';

/** How far back the charts reach. */
const HISTORY_MS = 5 * 60 * 1000;

type SeriesKey = 'messages_received' | 'messages_sent' | 'messages_failed';

interface Series {
  key: SeriesKey;
  chart: string;
  color: string;
  /** The server's 60-second average of the same rate. */
  average: 'received_per_sec' | 'sent_per_sec' | 'failed_per_sec';
}

const SERIES: readonly Series[] = [
  { key: 'messages_received', chart: 'chart-received', color: '#1d4ed8', average: 'received_per_sec' },
  { key: 'messages_sent', chart: 'chart-sent', color: '#15803d', average: 'sent_per_sec' },
  { key: 'messages_failed', chart: 'chart-failed', color: '#b91c1c', average: 'failed_per_sec' },
];

type Point = { at: number } & Record<SeriesKey, number>;

const history: Point[] = [];
let previous: Point | null = null;

function drawChart(series: Series, now: number, s: StatsCounters): void {
  const line = byId(series.chart).querySelector('polyline');
  if (!line) return;
  let max = 1;
  for (const p of history) if (p[series.key] > max) max = p[series.key];
  // The x axis covers the history there is, from one minute up to five.
  const span = Math.min(HISTORY_MS, Math.max(60000, history.length ? now - history[0].at : 0));
  const points = history.map((p) => {
    const x = 300 - ((now - p.at) / span) * 300;
    const y = 58 - (p[series.key] / max) * 54;
    return x.toFixed(1) + ',' + y.toFixed(1);
  });
  line.setAttribute('points', points.join(' '));
  line.setAttribute('stroke', series.color);
  const last = history.length ? history[history.length - 1][series.key] : 0;
  setText(
    series.chart + '-now',
    fmt(Math.round(last * 10) / 10) + '/s now · ' + fmt(s[series.average]) + '/s avg 60 s · peak ' + fmt(Math.round(max * 10) / 10),
  );
}

/** Turns two successive counter readings into per-second rates and redraws the three charts. */
export function recordRates(timestamp: number, s: StatsCounters): void {
  const now = timestamp * 1000;
  if (previous && now > previous.at) {
    const dt = (now - previous.at) / 1000;
    const point = { at: now } as Point;
    for (const series of SERIES) point[series.key] = Math.max(0, (s[series.key] - previous[series.key]) / dt);
    history.push(point);
    while (history.length && history[0].at < now - HISTORY_MS) history.shift();
  }
  const reading = { at: now } as Point;
  for (const series of SERIES) reading[series.key] = s[series.key];
  previous = reading;
  for (const series of SERIES) drawChart(series, now, s);
}
