// Thresholds (report.thresholds) checked against a run, kube-burner's alerting in small: each
// names a figure, a limit (max, min, or at most a percentage over the base run's), and comes
// out pass, crossed, no data (the figure was not measured: not crossed, but said), or needs a
// base (a base-relative one without a base run).
import type { Threshold } from '../config/types.ts';
import { labelOf, lookup, unitOf, type FigureValue } from './figures.ts';
import type { RunSummary } from './summary.ts';

export type ThresholdStatus = 'pass' | 'crossed' | 'no data' | 'needs a base';

export interface ThresholdResult {
  readonly rule: Threshold;
  /** "API p99 at most 1 s" */
  readonly text: string;
  readonly status: ThresholdStatus;
  /** The route that decided (route `*`), else null. */
  readonly subject: string | null;
  /** The figure (for `*`, the worst route's). */
  readonly value: number | null;
  /** The base run's figure, for a base-relative threshold. */
  readonly base: number | null;
  /** The limit it was held to (for a base-relative one, base × (1 + percent/100)). */
  readonly limit: number | null;
}

/** A number with its unit for people: seconds under one as ms, counts plain. */
export function formatValue(value: number | null, unit: string): string {
  if (value === null) return '–';
  const n = (v: number, digits: number) => (Number.isInteger(v) ? String(v) : v.toFixed(digits));
  if (unit === 's') return Math.abs(value) < 1 ? `${n(value * 1000, 1)} ms` : `${n(value, 1)} s`;
  if (unit === 'cores') return `${value.toFixed(2)} cores`;
  if (unit === 'MiB') return `${value.toFixed(0)} MiB`;
  return unit && !/^(requests|hosts|clusters|restarts)$/.test(unit) ? `${n(value, 2)} ${unit}` : n(value, 2);
}

function describe(rule: Threshold): string {
  if (rule.description) return rule.description;
  const unit = unitOf(rule.metric);
  const label = labelOf(rule.metric, rule.route);
  if (rule.max !== null) return `${label} at most ${formatValue(rule.max, unit)}`;
  if (rule.min !== null) return `${label} at least ${formatValue(rule.min, unit)}`;
  return `${label} at most ${rule.maxPercentOverBase} % over the base run`;
}

interface Checked extends FigureValue { base: number | null; limit: number | null; crossed: boolean; excess: number }

function checkOne(rule: Threshold, v: FigureValue, base: RunSummary | null): Checked {
  const none = { ...v, base: null, limit: null, crossed: false, excess: -Infinity };
  if (rule.maxPercentOverBase !== null) {
    const b = base ? lookup(base, rule.metric, v.subject ?? rule.route)[0]!.value : null;
    if (b === null || v.value === null) return { ...none, base: b };
    const limit = b * (1 + rule.maxPercentOverBase / 100);
    return { ...v, base: b, limit, crossed: v.value > limit, excess: v.value - limit };
  }
  if (v.value === null) return none;
  const limit = (rule.max ?? rule.min)!;
  const excess = rule.max !== null ? v.value - limit : limit - v.value;
  return { ...v, base: null, limit, crossed: excess > 0, excess };
}

export function checkThreshold(rule: Threshold, run: RunSummary, base: RunSummary | null): ThresholdResult {
  const text = describe(rule);
  if (rule.maxPercentOverBase !== null && !base) {
    return { rule, text, status: 'needs a base', subject: null, value: lookup(run, rule.metric, rule.route)[0]!.value, base: null, limit: null };
  }
  const checked = lookup(run, rule.metric, rule.route).map((v) => checkOne(rule, v, base));
  const measured = checked.filter((c) => c.value !== null && (rule.maxPercentOverBase === null || c.base !== null));
  if (!measured.length) return { rule, text, status: 'no data', subject: null, value: null, base: null, limit: null };
  // The worst subject decides, and is named when it stands out (not one of several at the same value).
  const worst = measured.reduce((a, b) => (b.excess > a.excess ? b : a));
  const alone = worst.crossed || measured.filter((c) => c.excess === worst.excess).length === 1;
  return { rule, text, status: worst.crossed ? 'crossed' : 'pass', subject: alone ? worst.subject : null, value: worst.value, base: worst.base, limit: worst.limit };
}

export function checkThresholds(rules: readonly Threshold[], run: RunSummary, base: RunSummary | null = null): ThresholdResult[] {
  return rules.map((rule) => checkThreshold(rule, run, base));
}

export const crossed = (results: readonly ThresholdResult[]) => results.filter((r) => r.status === 'crossed');
