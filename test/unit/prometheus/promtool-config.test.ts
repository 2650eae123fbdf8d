/**
 * The rendered prometheus.yml, unmodified, judged by the pinned promtool: Kubernetes discovery,
 * the fallback scrape protocol and the retention in the storage block included.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { parse, stringify } from 'yaml';
import { config } from '../../../config';
import { MonitoringStack } from '../../../lib';
import { SCRAPE_PROTOCOLS } from '../../../lib/prometheus/prometheus-config';
import { run } from '../../support/programs';

const dir = mkdtempSync(join(tmpdir(), 'promtool-config-'));
const { prometheus } = new MonitoringStack(Testing.app(), 'stack', config);

/** `promtool check config` on `text`, written as `file`; its whole output and exit status. */
function checkConfig(file: string, text: string) {
  writeFileSync(join(dir, file), text);
  const result = run('promtool', ['check', 'config', file], dir);
  return { output: result.stdout + result.stderr, status: result.status };
}

/** The rendered configuration with `edit` applied to its parsed form. */
function edited(edit: (c: any) => void): string {
  const c = parse(prometheus.configText);
  edit(c);
  return stringify(c, { lineWidth: 0 });
}

describe('promtool check config', () => {
  test('accepts the rendered prometheus.yml as it is', () => {
    const { output, status } = checkConfig('prometheus.yml', prometheus.configText);
    expect(output).toMatch(/SUCCESS: prometheus\.yml is valid prometheus config file syntax/);
    expect(output).not.toMatch(/FAILED/);
    expect(status).toBe(0);
  });

  test('accepts every protocol the ScrapeProtocol type allows as the fallback', () => {
    for (const protocol of SCRAPE_PROTOCOLS) {
      const text = edited((c) => {
        c.scrape_configs[0].fallback_scrape_protocol = protocol;
      });
      expect([protocol, checkConfig('protocol.yml', text).status]).toEqual([protocol, 0]);
    }
  });

  test('judges the fields it is shown: a fallback protocol outside the type fails', () => {
    const text = edited((c) => {
      c.scrape_configs[0].fallback_scrape_protocol = 'PrometheusText0.0.5';
    });
    const { output, status } = checkConfig('bad-protocol.yml', text);
    expect(output).toMatch(/invalid fallback_scrape_protocol .* unknown scrape protocol PrometheusText0\.0\.5/);
    expect(status).not.toBe(0);
  });

  test('judges the fields it is shown: an SI size (kB) in the retention fails', () => {
    const text = edited((c) => {
      c.storage.tsdb.retention.size = '40960kB';
    });
    const { output, status } = checkConfig('bad-size.yml', text);
    expect(output).toMatch(/unknown unit kB in 40960kB/);
    expect(status).not.toBe(0);
  });
});
