import { byKind, distFiles, jsonPath, type KubeObject, loadDist, parseManifest, where } from '../../support/dist';
import { schemaMessages, schemaViolations } from '../../support/schema';
import { synthSecuredStack } from '../../support/secured-stack';

/** Fields whose values are maps (`additionalProperties` in the schema): any key is allowed in them. */
const MAP_FIELDS = new Set([
  'labels',
  'annotations',
  'matchLabels',
  'nodeSelector',
  'selector',
  'data',
  'binaryData',
  'stringData',
  'limits',
  'requests',
  'hard',
  'capacity',
  'allocatable',
  'parameters',
  'overhead',
]);

/** The paths of every object (not array, not scalar) inside an object, the object itself first. */
function objectPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => objectPaths(item, [...path, i]));
  if (typeof value !== 'object' || value === null) return [];
  return [path, ...Object.entries(value).flatMap(([key, child]) => objectPaths(child, [...path, key]))];
}

/**
 * Every object in dist/ against the Kubernetes schemas of kubernetes-models: its kind is known,
 * `validate()` accepts it, and it has no field its schema does not declare (which the API server
 * would drop, or reject under strict field validation, so a typo such as `readinesProbe` is
 * silently a pod without a readiness probe). dist/ is read afresh in each test.
 */
describe('dist/ against the Kubernetes schemas (kubernetes-models)', () => {
  test('dist/ holds manifests, and every file holds objects', () => {
    const files = distFiles();
    expect(files.length).toBeGreaterThan(0);
    const docs = loadDist();
    const empty = files.filter((f) => !docs.some((d) => f.endsWith(d.file)));
    expect(empty).toEqual([]);
    expect(byKind(docs, 'Namespace').length).toBeGreaterThan(0);
  });

  test('kubernetes-models has a class for every kind in dist/', () => {
    expect(schemaMessages(loadDist(), ['unknown-kind'])).toEqual([]);
  });

  test("every object in dist/ passes its class's validate()", () => {
    expect(schemaMessages(loadDist(), ['invalid'])).toEqual([]);
  });

  test('no object in dist/ has a field its schema does not declare', () => {
    expect(schemaMessages(loadDist(), ['unknown-field'])).toEqual([]);
  });

  test('a stack with authentication, TLS and restricted egress on is schema-valid too', () => {
    expect(schemaMessages(loadDist(synthSecuredStack()), ['unknown-kind', 'invalid', 'unknown-field'])).toEqual([]);
  });

  // The unknown-field check reads the schema through the validator kubernetes-models compiled (see
  // test/support/schema.ts); this shows it is blind nowhere in dist/ but in maps, and would catch a
  // library upgrade whose validators stopped reading every declared property.
  test('the unknown-field check sees a field injected into every object of dist/ that is not a map', () => {
    const blind: string[] = [];
    for (const doc of loadDist()) {
      for (const path of objectPaths(doc.object)) {
        const last = path[path.length - 1];
        if (typeof last === 'string' && MAP_FIELDS.has(last)) continue;
        const copy = structuredClone(doc.object) as KubeObject;
        (path.reduce<any>((node, key) => node[key], copy) as Record<string, unknown>).injectedField = true;
        const expected = `unknown field ${jsonPath([...path, 'injectedField'])}`;
        if (!schemaViolations(copy).some((v) => v.message === expected))
          blind.push(`${where(doc)}: ${jsonPath(path) || '(the object itself)'}`);
      }
    }
    expect(blind).toEqual([]);
  });

  test('every document reads the same as YAML 1.1 (kubectl) and as YAML 1.2', () => {
    const as11 = loadDist(undefined, '1.1');
    const as12 = loadDist(undefined, '1.2');
    const differ = as11
      .filter((d, i) => JSON.stringify(d.object) !== JSON.stringify(as12[i]?.object))
      .map((d) => `${d.file}: document ${d.index}`);
    expect(differ).toEqual([]);
  });
});

const STATEFUL_SET = `
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
  namespace: apps
  labels:
    app.kubernetes.io/name: web
spec:
  replicas: 2
  serviceName: web
  selector:
    matchLabels:
      app.kubernetes.io/name: web
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
      annotations:
        checksum/config: abc
    spec:
      nodeSelector:
        example.org/any-key: "true"
      containers:
        - name: web
          image: example.org/web:1.2.3
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
          resources:
            requests:
              cpu: 100m
              memory: 64Mi
            limits:
              cpu: "1"
              memory: 128Mi
              example.org/gpu: "1"
`;

/** The schema messages of a manifest text, as `fixture.k8s.yaml: Kind/name: ...`. */
const check = (text: string) => schemaMessages(parseManifest('fixture.k8s.yaml', text));

describe('the schema check', () => {
  test('accepts a valid object, with any keys in its maps: labels, annotations, nodeSelector, resources, ConfigMap data', () => {
    expect(check(STATEFUL_SET)).toEqual([]);
    expect(
      check('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  any.file.name: x\n  another: value\n'),
    ).toEqual([]);
  });

  test('rejects a wrong type: replicas: two', () => {
    expect(check(STATEFUL_SET.replace('replicas: 2', 'replicas: two'))).toEqual([
      'fixture.k8s.yaml: StatefulSet/web: spec.replicas must be integer',
    ]);
  });

  test('rejects a missing required field', () => {
    expect(check(STATEFUL_SET.replace('        - name: web\n          image:', '        - image:'))).toEqual([
      'fixture.k8s.yaml: StatefulSet/web: spec.template.spec.containers[0] must have required property name',
    ]);
  });

  test('rejects an unknown field: a misspelt readiness probe', () => {
    const misspelt = STATEFUL_SET.replace(
      '          livenessProbe:',
      '          readinesProbe:\n            tcpSocket:\n              port: 8080\n          livenessProbe:',
    );
    expect(check(misspelt)).toEqual([
      'fixture.k8s.yaml: StatefulSet/web: unknown field spec.template.spec.containers[0].readinesProbe',
    ]);
  });

  test('rejects unknown fields at the top, in metadata and inside a referenced definition (HTTPGetAction)', () => {
    const broken = STATEFUL_SET.replace('  namespace: apps\n', '  namespace: apps\n  label: {}\n')
      .replace('              port: http\n', '              port: http\n              prot: HTTP\n')
      .concat('status2: {}\n');
    expect(check(broken)).toEqual([
      'fixture.k8s.yaml: StatefulSet/web: unknown field metadata.label',
      'fixture.k8s.yaml: StatefulSet/web: unknown field spec.template.spec.containers[0].livenessProbe.httpGet.prot',
      'fixture.k8s.yaml: StatefulSet/web: unknown field status2',
    ]);
  });

  test('rejects a kind kubernetes-models does not know, and a known kind under an apiVersion it does not have', () => {
    expect(check('apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: m\n')).toEqual([
      "fixture.k8s.yaml: ServiceMonitor/m: unknown kind: kubernetes-models has no class for apiVersion 'monitoring.coreos.com/v1' kind 'ServiceMonitor'",
    ]);
    expect(check('apiVersion: policy/v1beta3\nkind: PodDisruptionBudget\nmetadata:\n  name: p\n')).toEqual([
      "fixture.k8s.yaml: PodDisruptionBudget/p: unknown kind: kubernetes-models has no class for apiVersion 'policy/v1beta3' kind 'PodDisruptionBudget' (it knows PodDisruptionBudget as policy/v1, policy/v1beta1)",
    ]);
  });

  test('reads YAML as kubectl does (1.1): an unquoted `on` label value is a boolean, not a string', () => {
    expect(
      check(
        STATEFUL_SET.replace(
          '    app.kubernetes.io/name: web\nspec:',
          '    app.kubernetes.io/name: web\n    enabled: on\nspec:',
        ),
      ),
    ).toEqual(['fixture.k8s.yaml: StatefulSet/web: metadata.labels.enabled must be string']);
  });

  test('fails on YAML that does not parse, naming the file and document', () => {
    expect(() => parseManifest('fixture.k8s.yaml', 'apiVersion: v1\nkind: ConfigMap\n---\nkind: [\n')).toThrow(
      /^fixture\.k8s\.yaml: document 1: /,
    );
    expect(() => parseManifest('fixture.k8s.yaml', '- a\n- b\n')).toThrow(
      "fixture.k8s.yaml: document 0: not a Kubernetes object (an object with a string 'apiVersion' and 'kind')",
    );
  });
});
