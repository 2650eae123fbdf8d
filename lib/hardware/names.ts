/** `app.kubernetes.io/name` of the node_exporter pods, and the name of their DaemonSet. */
export const NODE_EXPORTER_APP_NAME = 'node-exporter';

/** The job Prometheus scrapes node_exporter under; the hardware recording rules select it. */
export const HARDWARE_EXPORTER_JOB = 'hardware-exporter';
