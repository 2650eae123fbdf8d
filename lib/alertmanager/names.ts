/** `app.kubernetes.io/name` of the Alertmanager pods, and the default name of their StatefulSet. */
export const ALERTMANAGER_APP_NAME = 'alertmanager';

/** The job Prometheus scrapes the Alertmanager peers under; self-monitoring alerts select it. */
export const ALERTMANAGER_JOB = 'alertmanager';
