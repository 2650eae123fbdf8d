import { Yaml } from 'cdk8s';

/**
 * One YAML document as the configuration files of the stack are written: long lines never
 * folded (PromQL stays on one line), YAML 1.1 quoting (`"on"`, `"yes"` stay strings for Go's
 * YAML parsers). This is cdk8s' own writer, so synth loads no second YAML library.
 */
export function toYaml(document: unknown): string {
  return Yaml.stringify(document);
}
