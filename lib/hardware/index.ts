export {
  type ExistingNodeExporter,
  HARDWARE_EXPORTER_PORT,
  HardwareExporter,
  type HardwareExporterProps,
  KUBE_PROMETHEUS_STACK_NODE_EXPORTER,
} from './hardware-exporter';
export { HARDWARE_EXPORTER_JOB, NODE_EXPORTER_APP_NAME } from './names';
