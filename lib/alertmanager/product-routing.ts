/**
 * @deprecated The product's routing lives in alerts/routing.ts; import it from there. These
 * re-exports keep older imports from lib (and the Alertmanager construct's default) working until
 * they move; then delete this file, the one place where lib/ depends on alerts/.
 */
export {
  DEAD_MANS_SWITCH_TIMING,
  DEFAULT_INHIBIT_RULES,
  DEFAULT_RECEIVER_SECRETS,
  DEFAULT_RECEIVERS,
  DEFAULT_TIMING,
  type DefaultRoutingOptions,
  defaultRouting,
} from '../../alerts/routing';
