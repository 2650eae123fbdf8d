export { HardwareExporter, type HardwareExporterProps, NODE_EXPORTER_PORT } from './hardware-exporter';
export { HARDWARE_EXPORTER_JOB, NODE_EXPORTER_APP_NAME } from './names';
