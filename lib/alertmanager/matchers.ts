import { labelNameProblem } from '../core';
import type { ConfigContext } from './config-context';

/** One label matcher of a route or an inhibition rule: the label equals, or differs from, a value. */
export interface LabelMatcher {
  readonly label: string;
  readonly op: '=' | '!=';
  readonly value: string;
}

/** `label="value"`. */
export function labelIs(label: string, value: string): LabelMatcher {
  return { label, op: '=', value };
}

/** `label!="value"`. */
export function labelIsNot(label: string, value: string): LabelMatcher {
  return { label, op: '!=', value };
}

/** A matcher as Alertmanager reads it; the value double-quoted, valid for both its classic and UTF-8 parsers. */
export function renderMatcher(m: LabelMatcher): string {
  return `${m.label}${m.op}${JSON.stringify(m.value)}`;
}

/** Fails unless every label name (of `group_by`, `equal`) is one Alertmanager accepts, and none is listed twice. */
export function checkLabelNames(ctx: ConfigContext, where: string, field: string, labels: readonly string[]): void {
  for (const l of labels) {
    const problem = labelNameProblem(l);
    if (problem) ctx.fail(`${where}: '${field}' label '${l}' ${problem}`);
  }
  if (new Set(labels).size !== labels.length)
    ctx.fail(`${where}: '${field}' lists a label twice: ${labels.join(', ')}`);
}

/** Checks a non-empty list of matchers and renders each as Alertmanager reads it. */
export function renderMatchers(
  ctx: ConfigContext,
  where: string,
  field: string,
  matchers: readonly LabelMatcher[],
): string[] {
  if (matchers.length === 0) ctx.fail(`${where}: '${field}' must not be empty`);
  for (const m of matchers) {
    const problem = labelNameProblem(m.label);
    if (problem) ctx.fail(`${where}: '${field}' label '${m.label}' ${problem}`);
    if (m.op !== '=' && m.op !== '!=') ctx.fail(`${where}: '${field}' operator must be '=' or '!=', got '${m.op}'`);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
    if (typeof m.value !== 'string' || /[\u0000-\u001f\u007f]/.test(m.value)) {
      ctx.fail(
        `${where}: '${field}' value of '${m.label}' must be a string without control characters, got ${JSON.stringify(m.value)}`,
      );
    }
  }
  return matchers.map(renderMatcher);
}
