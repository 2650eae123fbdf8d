import { Duration } from './duration';

/**
 * How often Prometheus scrapes by default: battery-powered devices answer every 30 s, and 15 s
 * would double their work for little.
 */
export const DEFAULT_SCRAPE_INTERVAL = Duration.seconds(30);

/**
 * How often alert and recording rules are evaluated by default: two evaluations a minute, cheap on
 * a small fleet, and an alert fires within 30 s of its `for` running out.
 */
export const DEFAULT_EVALUATION_INTERVAL = Duration.seconds(30);
