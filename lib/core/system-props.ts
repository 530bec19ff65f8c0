// The props every system takes, with one name, one type and one meaning (as aws-ecs-patterns' base props): each
// system's props interface extends these, and adds what only it has. Defaults differ per system, and each system's
// documentation gives its own.
import type * as kplus from 'cdk8s-plus-27';
import * as k8s from '../../imports/k8s';
import { SchedulingOptions } from './scheduling';
import { RunAsUser } from './security';

/** The props of every system: ConsulCluster, PostgresWithSecrets, SquashApp, CassandraRing. */
export interface SystemProps {
  /**
   * Name of the system's objects: the StatefulSet (pods `name-0 …`) or Deployment, its Services, its NetworkPolicy.
   * A DNS-1035 label, as short as the names derived from it need: at most 52 characters (a StatefulSet's pods carry
   * `controller-revision-hash: <name>-<hash>`), 43 for ConsulCluster with `backup` (the CronJob
   * `<name>-snapshot`), 45 for PostgresWithSecrets with `backup` (`<name>-backup`), 49 for CassandraRing with
   * authentication (the Job `<name>-auth-<hash>`), 63 for SquashApp; a longer one is refused at synth.
   * @default - the system's: 'consul', 'postgres', 'squash-tm', 'cassandra'
   */
  readonly name?: string;
  /**
   * Namespace of every object.
   * @default - the chart's namespace, or `default`
   */
  readonly namespace?: string;
  /**
   * Container image, pinned to a tag (not `latest`) or a digest.
   * @default - the class's DEFAULT_IMAGE: ConsulCluster.DEFAULT_IMAGE, PostgresWithSecrets.DEFAULT_IMAGE,
   * SquashApp.DEFAULT_IMAGE, CassandraRing.DEFAULT_IMAGE
   */
  readonly image?: string;
  /**
   * Cluster DNS domain, in the stable DNS names and endpoints the system computes.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * CPU, memory and ephemeral storage of the main container. An amount given alone (a request without a limit, or
   * the reverse) is used for both; anything left out takes the system's default.
   * @default - the system's (see each class)
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * The user the pods run as (non-root, enforced).
   * @default - the image's own user: uid 100 / gid 1000 (Consul), 999/999 (PostgreSQL, Cassandra), 10001/10001 (Squash TM)
   */
  readonly runAs?: RunAsUser;
  /**
   * Where the pods may run: a PriorityClass, tolerations, a node selector, the spread across zones and across nodes.
   * @default - the system's: spread across zones and required anti-affinity for the quorum and ring systems (Consul,
   * Cassandra); no zone spread for the single-pod systems, with no anti-affinity (PostgreSQL) or a preferred one (Squash TM)
   */
  readonly scheduling?: SchedulingOptions;
}

/** The props of the systems that keep data in a StatefulSet: ConsulCluster, PostgresWithSecrets, CassandraRing. */
export interface StatefulSystemProps extends SystemProps {
  /**
   * Who may reach the client ports (the NetworkPolicy's rule for clients). The members of the system always reach
   * each other.
   * @default - the system's: every pod of the same namespace (Consul, Cassandra); only the pods carrying
   * `connection.clientLabels` (PostgreSQL, where the peers given here are admitted besides them)
   */
  readonly allowedClients?: k8s.NetworkPolicyPeer[];
}
