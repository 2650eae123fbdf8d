import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { config } from '../../config';
import { MonitoringStack } from '../../lib';
import { renderAlertCatalogue } from '../../lib/rules/alert-catalogue';

const docs = join(__dirname, '../../docs');
const stack = new MonitoringStack(Testing.app(), 'stack', config);

describe('docs', () => {
  test('docs/alert-catalogue.md is what npm run docs writes', () => {
    expect(readFileSync(join(docs, 'alert-catalogue.md'), 'utf8')).toBe(renderAlertCatalogue(stack.ruleGroups));
  });

  test('every alert links to a section of docs/runbooks.md', () => {
    const anchors = new Set(
      readFileSync(join(docs, 'runbooks.md'), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('## '))
        .map((line) => line.slice(3).trim().toLowerCase().replace(/\s+/g, '-')),
    );
    for (const rule of stack.ruleGroups.flatMap((g) => g.rules))
      expect([rule.name, anchors.has(rule.runbook)]).toEqual([rule.name, true]);
  });
});
