export { clusterScoped } from './cluster-scoped';
export { chartNamespace, checkReplicas, selectorLabels } from './component';
export {
  CONFIG_RELOADER_PORT,
  type ConfigReloaderProps,
  configReloaderArgs,
  configReloaderContainer,
} from './config-reloader';
export { contentHash } from './content-hash';
export { type DisruptionBudgetProps, disruptionBudget } from './disruption-budget';
export {
  type ContainerImage,
  IMAGES,
  type ImageSource,
  imageRef,
  imageVersion,
  type PinnedImages,
  pinnedImages,
} from './images';
export { type ComputeResources, dataProblem, kubeBytes, kubeResources } from './kube-quantities';
export { type ComponentLabels, checkLabelValues, labelValueProblem, PART_OF, recommendedLabels } from './labels';
export { CONFIGMAP_DATA_LIMIT, configMapDataBytes, KUBECTL_APPLY_ANNOTATION_LIMIT } from './manifest-limits';
export { StackNamespace, type StackNamespaceProps } from './namespace';
export {
  type AllowProps,
  allowEgress,
  allowIngress,
  defaultDeny,
  type PodGroup,
  type TrafficPeer,
} from './network-policies';
export { type PodPlacement, placementSpec, type Toleration, type TopologySpreadConstraint } from './placement';
export { NOBODY, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './pod-hardening';
export {
  type ConfigMapProps,
  type ContainerProbes,
  checkedConfigMap,
  containerPort,
  type HttpProbesProps,
  httpProbes,
  type NamedPort,
  podServiceAccount,
  podTemplateMetadata,
  type ServiceAccountProps,
  serviceAccount,
  servicePort,
  spreadOverNodes,
} from './pod-plumbing';
export { checkSecretRef, distinctSecrets, type SecretKeyRef, secretFilePath, secretMountPath } from './secret-ref';
export { peerAddresses } from './stateful-peers';
export {
  type HeadlessServiceProps,
  headlessService,
  type VolumeClaimTemplateProps,
  volumeClaimTemplate,
  volumeProblem,
} from './stateful-set';
export { checkWebSecurity, WebClientSecurity, type WebSecurity, WebServerSecurity } from './web-security';
