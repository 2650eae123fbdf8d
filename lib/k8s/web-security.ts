import {
  type Container,
  IntOrString,
  type Probe,
  Quantity,
  type Volume,
  type VolumeMount,
} from 'cdk8s-plus-27/lib/imports/k8s';
import { dnsSubdomainProblem, toYaml } from '../core';
import { type ContainerImage, imageRef } from './images';
import { restrictedContainerSecurityContext } from './pod-hardening';
import { checkSecretRef, type SecretKeyRef } from './secret-ref';

/**
 * Authentication and TLS of a Prometheus-family HTTP server (Prometheus, Alertmanager), in the
 * `--web.config.file` format of the Prometheus exporter toolkit, and the matching settings of the
 * stack's own clients. Every credential comes from a Secret, by reference.
 */
export interface WebSecurity {
  /**
   * Basic authentication: a user name (not a secret), a Secret key holding its bcrypt hash for
   * the server, and one holding the password itself for the stack's own clients.
   * @default - no authentication
   */
  readonly basicAuth?: BasicAuth;
  /**
   * Serve HTTPS from a `kubernetes.io/tls` Secret (with `ca.crt`, as cert-manager writes it) naming
   * the Service and every peer (`*.<name>-headless.<namespace>.svc`).
   * @default - plain HTTP
   */
  readonly tlsSecretName?: string;
}

export interface BasicAuth {
  readonly username: string;
  readonly password: SecretKeyRef;
  /** The bcrypt hash of the password (`htpasswd -nbBC 10 '' <password> | tr -d ':\n'`). */
  readonly passwordHash: SecretKeyRef;
}

/** Where the rendered web configuration reads the hash; replaced at pod start by the init container. */
export const HASH_PLACEHOLDER = '@BCRYPT_HASH@';

const USERNAME = /^[A-Za-z0-9._-]+$/;

/** Fails unless `ws` is well formed; `owner` names the object in errors. */
export function checkWebSecurity(owner: string, field: string, ws: WebSecurity | undefined): void {
  if (!ws) return;
  if (ws.basicAuth) {
    if (!USERNAME.test(ws.basicAuth.username)) {
      throw new Error(
        `${owner}: '${field}.basicAuth.username' must be letters, digits, ".", "_" and "-", got '${ws.basicAuth.username}'`,
      );
    }
    checkSecretRef(owner, `${field}.basicAuth.password`, ws.basicAuth.password);
    checkSecretRef(owner, `${field}.basicAuth.passwordHash`, ws.basicAuth.passwordHash);
  }
  if (ws.tlsSecretName !== undefined) {
    const problem = dnsSubdomainProblem(ws.tlsSecretName);
    if (problem) throw new Error(`${owner}: '${field}.tlsSecretName' '${ws.tlsSecretName}' ${problem}`);
  }
}

/** The server side: its web configuration, the files it needs and how kubelet probes it. */
export class WebServerSecurity {
  public readonly enabled: boolean;
  public readonly scheme: 'http' | 'https';
  /** The web configuration, with the hash placeholder when basic auth is on; undefined when off. */
  public readonly webConfig?: string;

  public constructor(
    private readonly ws: WebSecurity | undefined,
    /** The component's folder, e.g. `/etc/prometheus`. */
    private readonly root: string,
  ) {
    this.enabled = ws !== undefined && (ws.basicAuth !== undefined || ws.tlsSecretName !== undefined);
    this.scheme = ws?.tlsSecretName ? 'https' : 'http';
    if (!this.enabled) return;
    this.webConfig = toYaml({
      ...(ws!.tlsSecretName
        ? {
            tls_server_config: {
              cert_file: `${this.tlsDir}/tls.crt`,
              key_file: `${this.tlsDir}/tls.key`,
              min_version: 'TLS12',
            },
          }
        : {}),
      ...(ws!.basicAuth ? { basic_auth_users: { [ws!.basicAuth.username]: HASH_PLACEHOLDER } } : {}),
    });
  }

  private get tlsDir(): string {
    return `${this.root}/web-tls`;
  }

  /** The path the server reads its web configuration from. */
  public get webConfigFile(): string {
    return `${this.root}/web/web.yml`;
  }

  /** `--web.config.file=...` when on. */
  public get flags(): string[] {
    return this.enabled ? [`--web.config.file=${this.webConfigFile}`] : [];
  }

  /**
   * The shell command that writes the web configuration with the hash from its Secret: the
   * template and output paths come from the environment, so a test runs the very same command.
   */
  public static readonly RENDER_COMMAND = 'sed "s|' + HASH_PLACEHOLDER + '|$(cat "$HASH_FILE")|" "$TEMPLATE" > "$OUT"';

  /**
   * The init container that renders the web configuration when basic auth is on. It runs the
   * component's own image (busybox-based: it has `sh` and `sed`), hardened like the server.
   */
  public initContainers(image: ContainerImage, configVolume: string, configKey: string): Container[] {
    if (!this.ws?.basicAuth) return [];
    return [
      {
        name: 'render-web-config',
        image: imageRef(image),
        command: ['sh', '-c', WebServerSecurity.RENDER_COMMAND],
        env: [
          { name: 'TEMPLATE', value: `${this.root}/web-template/${configKey}` },
          { name: 'HASH_FILE', value: `${this.root}/web-auth/${this.ws.basicAuth.passwordHash.key}` },
          { name: 'OUT', value: this.webConfigFile },
        ],
        resources: { requests: { cpu: q('10m'), memory: q('16Mi') }, limits: { cpu: q('100m'), memory: q('32Mi') } },
        securityContext: restrictedContainerSecurityContext(),
        volumeMounts: [
          { name: configVolume, mountPath: `${this.root}/web-template`, readOnly: true },
          { name: 'web-auth', mountPath: `${this.root}/web-auth`, readOnly: true },
          { name: 'web', mountPath: `${this.root}/web` },
        ],
      },
    ];
  }

  /** Volumes of the server's pod. `configVolume` holds the web configuration (or its template). */
  public volumes(configMapName: string, configKey: string): Volume[] {
    if (!this.enabled) return [];
    const ws = this.ws!;
    return [
      ...(ws.basicAuth
        ? [
            { name: 'web', emptyDir: { medium: 'Memory', sizeLimit: q('1Mi') } },
            {
              name: 'web-auth',
              secret: {
                secretName: ws.basicAuth.passwordHash.secretName,
                items: [{ key: ws.basicAuth.passwordHash.key, path: ws.basicAuth.passwordHash.key }],
              },
            },
          ]
        : [{ name: 'web', configMap: { name: configMapName, items: [{ key: configKey, path: 'web.yml' }] } }]),
      ...(ws.tlsSecretName
        ? [
            {
              name: 'web-tls',
              secret: {
                secretName: ws.tlsSecretName,
                items: [
                  { key: 'tls.crt', path: 'tls.crt' },
                  { key: 'tls.key', path: 'tls.key' },
                ],
              },
            },
          ]
        : []),
    ];
  }

  /** Mounts of the server container. */
  public mounts(): VolumeMount[] {
    if (!this.enabled) return [];
    return [
      { name: 'web', mountPath: `${this.root}/web`, readOnly: true },
      ...(this.ws!.tlsSecretName ? [{ name: 'web-tls', mountPath: this.tlsDir, readOnly: true }] : []),
    ];
  }

  /**
   * A probe of `path` on `port`. Kubelet cannot send credentials without writing them into the
   * pod spec, so with basic auth on, the probe checks that the port accepts connections instead.
   */
  public probe(path: string, port: string, base: Probe): Probe {
    if (this.ws?.basicAuth) {
      return { ...base, httpGet: undefined, tcpSocket: { port: IntOrString.fromString(port) } };
    }
    return {
      ...base,
      httpGet: { path, port: IntOrString.fromString(port), ...(this.scheme === 'https' ? { scheme: 'HTTPS' } : {}) },
    };
  }
}

/** How the stack's own clients reach a server secured by `ws`, with files mounted under `root`. */
export class WebClientSecurity {
  public readonly scheme: 'http' | 'https';

  public constructor(
    private readonly ws: WebSecurity | undefined,
    /** Folder the client mounts this server's credentials under, e.g. `/etc/prometheus/clients/alertmanager`. */
    private readonly root: string,
    /** Unique volume-name prefix in the client's pod, e.g. `am`. */
    private readonly prefix: string,
    /** The name the server's certificate is checked against, when the client connects by pod address. @default - the host it connects to */
    private readonly serverName?: string,
  ) {
    this.scheme = ws?.tlsSecretName ? 'https' : 'http';
  }

  public get passwordFile(): string | undefined {
    return this.ws?.basicAuth ? `${this.root}/auth/${this.ws.basicAuth.password.key}` : undefined;
  }

  public get caFile(): string | undefined {
    return this.ws?.tlsSecretName ? `${this.root}/tls/ca.crt` : undefined;
  }

  /** `scheme`, `basic_auth` and `tls_config` of a Prometheus scrape job or Alertmanager client. */
  public prometheusClient(): Record<string, unknown> {
    if (!this.ws) return {};
    return {
      ...(this.scheme === 'https'
        ? {
            scheme: 'https',
            tls_config: { ca_file: this.caFile, ...(this.serverName ? { server_name: this.serverName } : {}) },
          }
        : {}),
      ...(this.ws.basicAuth
        ? { basic_auth: { username: this.ws.basicAuth.username, password_file: this.passwordFile } }
        : {}),
    };
  }

  /** Datasource fields for Grafana: basic auth and the CA, read from files through `$__file{}`. */
  public grafanaDatasource():
    | { jsonData: Record<string, string | boolean>; secureJsonData: Record<string, string> }
    | undefined {
    if (!this.ws || (!this.ws.basicAuth && !this.ws.tlsSecretName)) return undefined;
    return {
      jsonData: {
        ...(this.ws.basicAuth ? { basicAuth: true, basicAuthUser: this.ws.basicAuth.username } : {}),
        ...(this.ws.tlsSecretName ? { tlsAuthWithCACert: true } : {}),
      },
      secureJsonData: {
        ...(this.ws.basicAuth ? { basicAuthPassword: `$__file{${this.passwordFile}}` } : {}),
        ...(this.ws.tlsSecretName ? { tlsCACert: `$__file{${this.caFile}}` } : {}),
      },
    };
  }

  public volumes(): Volume[] {
    if (!this.ws) return [];
    return [
      ...(this.ws.basicAuth
        ? [
            {
              name: `${this.prefix}-auth`,
              secret: {
                secretName: this.ws.basicAuth.password.secretName,
                items: [{ key: this.ws.basicAuth.password.key, path: this.ws.basicAuth.password.key }],
              },
            },
          ]
        : []),
      ...(this.ws.tlsSecretName
        ? [
            {
              name: `${this.prefix}-ca`,
              secret: { secretName: this.ws.tlsSecretName, items: [{ key: 'ca.crt', path: 'ca.crt' }] },
            },
          ]
        : []),
    ];
  }

  public mounts(): VolumeMount[] {
    if (!this.ws) return [];
    return [
      ...(this.ws.basicAuth ? [{ name: `${this.prefix}-auth`, mountPath: `${this.root}/auth`, readOnly: true }] : []),
      ...(this.ws.tlsSecretName ? [{ name: `${this.prefix}-ca`, mountPath: `${this.root}/tls`, readOnly: true }] : []),
    ];
  }
}

function q(value: string): Quantity {
  return Quantity.fromString(value);
}
