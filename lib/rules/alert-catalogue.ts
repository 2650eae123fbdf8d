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
    lines.push('| alert | severity | fires when | for | summary |', '| --- | --- | --- | --- | --- |');
    for (const rule of group.rules) {
      const cells = [
        `[${rule.name}](runbooks.md#${rule.runbook})`,
        rule.severity,
        `\`${rule.expr.replace(/\|/g, '\\|')}\``,
        rule.for.toPrometheus(),
        rule.summary.toGoTemplate().replace(/\|/g, '\\|'),
      ];
      lines.push(`| ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
