import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { GATEWAY_API_VERSION } from '../../../lib/k8s/images';

const CRDS = join(resolve(__dirname, '../../..'), 'crds/gateway-api');

test("the pinned Gateway API CRD is HTTPRoute's, of the pinned bundle version, serving v1", () => {
  const crds = readdirSync(CRDS).map((f) => parse(readFileSync(join(CRDS, f), 'utf8')));
  expect(crds.map((c) => c.spec.names.kind)).toEqual(['HTTPRoute']);
  const [crd] = crds;
  expect(crd.metadata.annotations['gateway.networking.k8s.io/bundle-version']).toBe(GATEWAY_API_VERSION);
  expect(crd.metadata.annotations['gateway.networking.k8s.io/channel']).toBe('standard');
  expect(crd.spec.versions.find((v: { name: string }) => v.name === 'v1')?.served).toBe(true);
});
