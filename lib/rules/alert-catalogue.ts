import { markdownCell, markdownTable } from '../core';
import type { RuleGroup } from './rule-group';

/**
 * The alert catalogue as Markdown: every alert with its severity, condition, `for` and summary,
 * rendered from the same values as the rule files, so it cannot drift from them.
 */
export function renderAlertCatalogue(groups: readonly RuleGroup[]): string {
  const lines = [
    '# Alert catalogue',
    '',
    'Generated from `alerts/` by `npm run docs`; a test fails when it is stale. Thresholds are set in',
    '`alerts/thresholds.ts`.',
    '',
  ];
  for (const group of groups) {
    lines.push(`## ${group.name} (evaluated every ${group.interval})`, '');
    const rows = group.rules.map((rule) => [
      `[${rule.name}](runbooks.md#${rule.runbook})`,
      rule.severity,
      `\`${markdownCell(rule.expr)}\``,
      rule.for.toPrometheus(),
      markdownCell(rule.summary.toGoTemplate()),
    ]);
    lines.push(...markdownTable(['alert', 'severity', 'fires when', 'for', 'summary'], rows), '');
  }
  return lines.join('\n');
}
