import { mkdirSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { ruleGroups } from '../bench/alert-quality-scenarios';
import { THRESHOLDS } from '../alerts';
import { renderRuleFile } from '../lib/prometheus';
const dir = process.argv[2];
mkdirSync(dir, { recursive: true });
for (const g of ruleGroups(THRESHOLDS)) {
  writeFileSync(`${dir}/${g.fileName}`, renderRuleFile(g));
  writeFileSync(`${dir}/${g.name}.test.yaml`, stringify(g.promtoolTests(g.fileName), { lineWidth: 0 }));
}
