export { JAEGER_RESOURCES, Jaeger, type JaegerProps } from './jaeger';
export { JAEGER_APP_NAME, JAEGER_JOB, JAEGER_PORTS, jaegerOtlpEndpoint, jaegerQueryUrl } from './names';
