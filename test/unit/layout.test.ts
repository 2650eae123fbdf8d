import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * The folders of lib/ import only downwards, and only through a folder's index.ts: core from
 * nothing, rules and k8s from core, the components from those, stack from everything. The library
 * never imports the product (alerts/, dashboards/, config.ts).
 */
const ROOT = resolve(__dirname, '../..');
const LIB = join(ROOT, 'lib');
const BASE = ['core', 'rules', 'k8s'];
const COMPONENTS = ['prometheus', 'alertmanager', 'grafana', 'otel', 'hardware', 'jaeger', 'pushgateway'];
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  rules: ['core'],
  k8s: ['core'],
  ...Object.fromEntries(COMPONENTS.map((c) => [c, BASE])),
  // What a Prometheus Operator consumes, made of the components' rules, relabelling and routing.
  operator: [...BASE, ...COMPONENTS],
  stack: [...BASE, ...COMPONENTS, 'operator'],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const imports = sources(LIB).flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/from '(\.[^']*)'/g)].map((m) => ({
    file: relative(ROOT, file),
    from: relative(LIB, file).split('/')[0],
    to: relative(LIB, resolve(file, '..', m[1])),
  })),
);

test('every folder of lib/ is one the layering names', () => {
  const folders = readdirSync(LIB, { withFileTypes: true }).filter((e) => e.isDirectory());
  expect(folders.map((f) => f.name).sort()).toEqual(Object.keys(ALLOWED).sort());
});

test('lib/ never imports the product: alerts/, dashboards/, config.ts', () => {
  expect(imports.filter((i) => i.to.startsWith('..')).map((i) => `${i.file} -> ${i.to}`)).toEqual([]);
});

test('a folder imports only the folders below it, through their index.ts', () => {
  const wrong = imports
    .filter((i) => i.from.endsWith('.ts') === false)
    .filter((i) => {
      const [target, ...rest] = i.to.split('/');
      if (target === i.from) return false;
      return !ALLOWED[i.from].includes(target) || rest.length > 0;
    })
    .map((i) => `${i.file} -> lib/${i.to}`);
  expect(wrong).toEqual([]);
});
