import { parse, stringify } from 'yaml';
import { run } from './programs';

/**
 * Debian's Alertmanager and amtool are 0.25, which predates webhook `url_file` (0.26). They judge
 * a copy of the generated configuration in which only that field is swapped for `url`; every
 * other byte of meaning is the generated one (test/lib/alertmanager-config.test.ts checks that).
 */
export function forAlertmanager025(configText: string, urlFor: (urlFile: string) => string): string {
  const config = parse(configText) as { receivers?: Array<{ webhook_configs?: Array<Record<string, unknown>> }> };
  for (const receiver of config.receivers ?? []) {
    receiver.webhook_configs = receiver.webhook_configs?.map((webhook) => {
      const { url_file: urlFile, ...rest } = webhook;
      return typeof urlFile === 'string' ? { ...rest, url: urlFor(urlFile) } : webhook;
    });
  }
  return stringify(config, { lineWidth: 0 });
}

/** The version of a Debian Prometheus-family program, from `<program> --version` (`0.25.0`). */
export function programVersion(program: string): string {
  const result = run(program, ['--version'], '/');
  const match = /version (\d+\.\d+\.\d+)/.exec(result.stdout + result.stderr);
  if (!match) throw new Error(`${program} --version printed no version: ${result.stdout}${result.stderr}`);
  return match[1];
}
