import { placementSpec, type Toleration } from '../../../lib/k8s';

const SELECTOR = { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': 'test' };
const place = (placement: Parameters<typeof placementSpec>[1], defaults = {}) =>
  placementSpec("prometheus 'prometheus'", placement, SELECTOR, defaults);

describe('placementSpec', () => {
  test('renders nothing when nothing is set and there are no defaults', () => {
    expect(place({})).toEqual({});
  });

  test('renders every field of the pod spec it is given', () => {
    expect(
      place({
        nodeSelector: { 'topology.kubernetes.io/zone': 'edge-a' },
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'monitoring', effect: 'NoSchedule' }],
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } },
        topologySpreadConstraints: [{ topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1 }],
        priorityClassName: 'monitoring-critical',
      }),
    ).toEqual({
      nodeSelector: { 'topology.kubernetes.io/zone': 'edge-a' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'monitoring', effect: 'NoSchedule' }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } },
      topologySpreadConstraints: [
        {
          topologyKey: 'topology.kubernetes.io/zone',
          maxSkew: 1,
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: SELECTOR },
        },
      ],
      priorityClassName: 'monitoring-critical',
    });
  });

  test("the component's defaults apply to what is left unset, and are replaced by what is set", () => {
    const defaults = { affinity: { podAntiAffinity: {} }, nodeSelector: { edge: 'true' } };
    expect(place({}, defaults)).toEqual({ affinity: { podAntiAffinity: {} }, nodeSelector: { edge: 'true' } });
    expect(place({ nodeSelector: { core: 'true' } }, defaults).nodeSelector).toEqual({ core: 'true' });
  });

  test('fails when a toleration operator is not Exists or Equal', () => {
    const bad = JSON.parse('[{ "key": "dedicated", "operator": "Equals" }]') as Toleration[];
    expect(() => place({ tolerations: bad })).toThrow(
      "prometheus 'prometheus': 'tolerations[0].operator' must be one of 'Exists', 'Equal', got 'Equals'",
    );
  });

  test('fails when a toleration effect is not one of the three', () => {
    const bad = JSON.parse('[{ "key": "dedicated", "effect": "NoEntry" }]') as Toleration[];
    expect(() => place({ tolerations: bad })).toThrow(/'tolerations\[0\]\.effect' must be one of 'NoSchedule'/);
  });

  test('fails when an Exists toleration has a value, or an Equal one no key', () => {
    expect(() => place({ tolerations: [{ key: 'a', operator: 'Exists', value: 'b' }] })).toThrow(
      /'tolerations\[0\]\.value' must be empty with operator 'Exists', got 'b'/,
    );
    expect(() => place({ tolerations: [{ operator: 'Equal', value: 'b' }] })).toThrow(
      /'tolerations\[0\]\.key' may be empty only with operator 'Exists'/,
    );
  });

  test('fails when tolerationSeconds is set on an effect other than NoExecute', () => {
    expect(() => place({ tolerations: [{ key: 'a', effect: 'NoSchedule', tolerationSeconds: 60 }] })).toThrow(
      /'tolerations\[0\]\.tolerationSeconds' applies to effect 'NoExecute' only, got effect 'NoSchedule'/,
    );
  });

  test('fails on a bad spread constraint or priority class', () => {
    expect(() => place({ topologySpreadConstraints: [{ topologyKey: 'zone', maxSkew: 0 }] })).toThrow(
      /'topologySpreadConstraints\[0\]\.maxSkew' must be a whole number of at least 1, got 0/,
    );
    expect(() => place({ priorityClassName: 'Critical' })).toThrow(/'priorityClassName' 'Critical' must be lower-case/);
  });
});
