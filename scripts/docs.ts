/** `npm run docs`: writes docs/alert-catalogue.md from the stack configuration. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { config } from '../config';
import { MonitoringStack } from '../lib';
import { renderAlertCatalogue } from '../lib/rules';

const stack = new MonitoringStack(new App(), 'stack', config);
const target = join(__dirname, '../../docs/alert-catalogue.md');
writeFileSync(target, renderAlertCatalogue(stack.ruleGroups));
console.log(`wrote ${target}`);
