import { IMAGES, imageVersion } from '../../lib/k8s/images';
import { type LoopbackServer, serve } from './http';

/**
 * No Grafana binary can be installed here (Debian does not package Grafana), so the end-to-end
 * suite stands in for Grafana's health endpoint only, answering as Grafana's `GET /api/health`
 * does (200 with `database: ok`, 503 with `database: failing` when its database is unusable).
 * Nothing else of Grafana is pretended: the ops commands' Grafana check is all it serves.
 */
export interface GrafanaStandIn extends LoopbackServer {
  readonly url: string;
  /** Makes /api/health answer as a Grafana whose database fails (503). */
  setDatabaseFailing(failing: boolean): void;
}

export async function startGrafanaStandIn(): Promise<GrafanaStandIn> {
  let failing = false;
  const server = await serve((req, res) => {
    if (req.url !== '/api/health') {
      res.writeHead(404).end();
      return;
    }
    const body = { database: failing ? 'failing' : 'ok', version: imageVersion(IMAGES.grafana), commit: 'stand-in' };
    res.writeHead(failing ? 503 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  return { ...server, url: `http://${server.address}`, setDatabaseFailing: (f) => (failing = f) };
}
