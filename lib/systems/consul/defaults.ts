// Internal: what a Consul server runs by default, and where the construct mounts things in its pods.
import { Size } from 'cdk8s';
import { fixedResources } from '../../core/resources';

/** The Consul release deployed unless `image` says otherwise. */
export const CONSUL_DEFAULT_IMAGE = 'hashicorp/consul:1.20.2';

/** The consul-k8s chart's server resources, plus ephemeral storage for the agent's temporary files. */
export const CONSUL_DEFAULT_RESOURCES = fixedResources(['100m', '500m'], Size.mebibytes(200), [Size.mebibytes(64), Size.gibibytes(1)]);

/** Where the construct mounts things in the server pods. */
export const PATHS = {
  config: '/consul/config',
  data: '/consul/data',
  tlsCa: '/consul/tls/ca',
  tlsServer: '/consul/tls/server',
  gossip: '/consul/gossip',
  aclToken: '/consul/acl-token',
  /** The memory-backed volume of the config files and token file written at start from Secrets. */
  secretConfig: '/consul/secret-config',
};

/** The file of the ACL token for the CLI inside the pods (`CONSUL_HTTP_TOKEN_FILE`), when ACLs are on. */
export const CONSUL_TOKEN_FILE = `${PATHS.secretConfig}/acl-token`;
