export {
  PUSHGATEWAY_APP_NAME,
  PUSHGATEWAY_JOB,
  PUSHGATEWAY_PORT,
  PUSHGATEWAY_RESOURCES,
  Pushgateway,
  type PushgatewayProps,
} from './pushgateway';
