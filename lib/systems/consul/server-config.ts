// The Consul server agent configuration (server.json) and the ports of a server.
import { UDP } from '../../core/kplus';
import { ClusterPort } from '../../core/stateful-cluster-props';
import { PATHS } from './defaults';
import { ConsulTlsOptions } from './props';

/** Configuration keys the construct derives from its props; `extraConfig` may not set them. */
export const CONSUL_MANAGED_KEYS = ['server', 'bootstrap_expect', 'datacenter', 'data_dir', 'retry_join', 'bind_addr', 'client_addr',
  'addresses', 'leave_on_terminate', 'ports', 'tls', 'encrypt', 'ui_config', 'disable_update_check'];

/** What the server configuration depends on. */
export interface ConsulServerConfigInput {
  /** Datacenter name. */
  readonly datacenter: string;
  /** Number of servers: `bootstrap_expect`. */
  readonly replicas: number;
  /** Stable DNS names of every server: `retry_join`. */
  readonly retryJoin: string[];
  /**
   * Enable the UI.
   * @default true
   */
  readonly ui?: boolean;
  /**
   * TLS settings (files at the construct's mount paths).
   * @default - no TLS
   */
  readonly tls?: ConsulTlsOptions;
  /**
   * ACLs, deny by default (`acl.enabled`, `default_policy: deny`, `enable_token_persistence`). The tokens are not
   * part of this configuration: they come from a Secret at start.
   * @default false
   */
  readonly acl?: boolean;
  /**
   * Prometheus retention in seconds (`telemetry.prometheus_retention_time`).
   * @default - no Prometheus metrics
   */
  readonly prometheusRetentionSeconds?: number;
  /**
   * Extra configuration merged in.
   * @default - none
   */
  readonly extraConfig?: { [key: string]: unknown };
}

/**
 * The Consul server agent configuration (the JSON of `server.json`) for the given input: a pure function, so tests
 * (and, later, real agents) can use it on its own.
 */
export function consulServerConfig(input: ConsulServerConfigInput): { [key: string]: unknown } {
  const tls = input.tls;
  const httpsOnly = tls ? (tls.httpsOnly ?? true) : false;
  return {
    server: true,
    bootstrap_expect: input.replicas,
    datacenter: input.datacenter,
    data_dir: PATHS.data,
    // Listen everywhere in the pod; each agent advertises its pod IP (-advertise=$(POD_IP)).
    bind_addr: '0.0.0.0',
    client_addr: '0.0.0.0',
    retry_join: input.retryJoin,
    // Leave the cluster gracefully on SIGTERM, so a deleted pod does not linger as a failed member.
    leave_on_terminate: true,
    // The NetworkPolicy allows no egress to HashiCorp's update service.
    disable_update_check: true,
    ui_config: { enabled: input.ui ?? true },
    ports: {
      http: httpsOnly ? -1 : 8500,
      https: tls ? 8501 : -1,
      grpc: tls ? -1 : 8502,
      grpc_tls: tls ? 8503 : -1,
      dns: 8600,
      server: 8300,
      serf_lan: 8301,
      serf_wan: 8302,
    },
    ...(tls ? {
      // Reload the certificate and key when their files change (a renewal by cert-manager): no restart needed.
      // Consul does not reload ca_file this way (a CA change needs `consul reload` or a rolling restart).
      auto_reload_config: true,
      tls: {
        defaults: {
          ca_file: `${PATHS.tlsCa}/tls.crt`,
          cert_file: `${PATHS.tlsServer}/tls.crt`,
          key_file: `${PATHS.tlsServer}/tls.key`,
          verify_incoming: false,
          verify_outgoing: true,
        },
        internal_rpc: { verify_incoming: true, verify_server_hostname: true },
      },
    } : {}),
    ...(input.acl ? {
      // Tokens persisted when set through the API (`consul acl set-agent-token`) survive a restart.
      acl: { enabled: true, default_policy: 'deny', enable_token_persistence: true },
    } : {}),
    ...(input.prometheusRetentionSeconds !== undefined ? {
      // No host name in metric names: Prometheus labels the target itself.
      telemetry: { prometheus_retention_time: `${input.prometheusRetentionSeconds}s`, disable_hostname: true },
    } : {}),
    ...(input.extraConfig ?? {}),
  };
}

/** The ports of a Consul server, as the consul-k8s chart declares them. */
export function consulPorts(tls: ConsulTlsOptions | undefined): ClusterPort[] {
  const httpsOnly = tls ? (tls.httpsOnly ?? true) : false;
  return [
    { name: 'server', port: 8300 },
    { name: 'serflan-tcp', port: 8301 },
    { name: 'serflan-udp', port: 8301, protocol: UDP },
    { name: 'serfwan-tcp', port: 8302 },
    { name: 'serfwan-udp', port: 8302, protocol: UDP },
    ...(httpsOnly ? [] : [{ name: 'http', port: 8500 }]),
    ...(tls ? [{ name: 'https', port: 8501 }, { name: 'grpc-tls', port: 8503 }] : [{ name: 'grpc', port: 8502 }]),
    { name: 'dns-tcp', port: 8600 },
    { name: 'dns-udp', port: 8600, protocol: UDP },
  ];
}
