// Reading Prometheus' text exposition format: the samples of the metric names asked for, each
// with its labels. Comments, other metrics and timestamps are skipped. (parse-prometheus-text-
// format was tried for the benchmark: it folds a labelled histogram into one series.)

export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_]\w*)\s*=\s*"((?:[^"\\]|\\.)*)"/g;

function unescape(value: string): string {
  return value.includes('\\') ? value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c)) : value;
}

export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const m of text.matchAll(LABEL)) labels[m[1]!] = unescape(m[2]!);
  return labels;
}

/** Every sample whose metric name is in `names` (values as Prometheus spells them: +Inf, NaN). */
export function readSamples(text: string, names: ReadonlySet<string>): PromSample[] {
  const out: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m || !names.has(m[1]!)) continue;
    out.push({ name: m[1]!, labels: m[2] ? parseLabels(m[2]) : {}, value: Number(m[3]) });
  }
  return out;
}
