/** `app.kubernetes.io/name` of the Prometheus pods, and the default name of their StatefulSet. */
export const PROMETHEUS_APP_NAME = 'prometheus';

/**
 * The job Prometheus scrapes itself under: its peers job is named after the StatefulSet, so this
 * holds for the default name. Self-monitoring alerts select it.
 */
export const PROMETHEUS_JOB = PROMETHEUS_APP_NAME;
