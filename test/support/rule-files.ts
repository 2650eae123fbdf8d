import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { renderRuleFile } from '../../lib/prometheus/prometheus-rules';
import type { RuleGroup } from '../../lib/rules/rule-group';

/**
 * Writes each group's rule file and its generated promtool tests into a fresh folder, as
 * Prometheus would read them from the mounted ConfigMap. Returns the folder.
 */
export function writeRuleFiles(
  groups: readonly RuleGroup[],
  ruleFileContent: (group: RuleGroup) => string = renderRuleFile,
): string {
  const dir = mkdtempSync(join(tmpdir(), 'rules-'));
  for (const group of groups) {
    writeFileSync(join(dir, group.fileName), ruleFileContent(group));
    writeFileSync(join(dir, testFileName(group)), stringify(group.promtoolTests(group.fileName), { lineWidth: 0 }));
  }
  return dir;
}

export function testFileName(group: RuleGroup): string {
  return `${group.name}.test.yaml`;
}
