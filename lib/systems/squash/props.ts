// The props of SquashApp and how it is exposed.
import { Duration, Size } from 'cdk8s';
import { Credentials } from '../../core/credentials';
import { IngressOptions } from '../../core/ingress';
import { IPostgresDatabase } from '../postgres/connection';
import { SystemProps } from '../../core/system-props';

/** How Squash TM is reached from outside the cluster. */
export class SquashExposure {
  /**
   * A NodePort Service (on minikube: `minikube service squash-tm`).
   * @param nodePort a fixed port in 30000-32767 (default: one the cluster picks)
   */
  public static nodePort(nodePort?: number): SquashExposure {
    return new SquashExposure('NodePort', nodePort, undefined);
  }

  /** A ClusterIP Service behind an Ingress. */
  public static ingress(options: IngressOptions): SquashExposure {
    return new SquashExposure('ClusterIP', undefined, options);
  }

  /** A ClusterIP Service only (reach it with `kubectl port-forward` or your own Ingress). */
  public static clusterIp(): SquashExposure {
    return new SquashExposure('ClusterIP', undefined, undefined);
  }

  private constructor(
    /** Service type. */
    public readonly serviceType: string,
    /** The fixed node port of `nodePort(port)`, if one was given. */
    public readonly fixedNodePort?: number,
    /** Ingress options, if any. */
    public readonly ingressOptions?: IngressOptions) {}
}

/**
 * Properties of a {@link SquashApp}. The shared props ({@link SystemProps}) take Squash TM's defaults: `name`
 * 'squash-tm', `image` {@link SquashApp.DEFAULT_IMAGE}, `resources` 500m/2 CPU (what Squash TM recommends), 3Gi
 * memory (its default heap of 2 GiB and 1 GiB above it) and 256Mi/3.5Gi ephemeral storage (its writable
 * directories), `runAs` uid/gid 10001, `scheduling` without zone spread, with a preferred anti-affinity;
 * `clusterDomain` is the domain of the {@link SquashApp.endpoint}.
 */
export interface SquashAppProps extends SystemProps {
  /** The PostgreSQL database: a {@link PostgresWithSecrets} of this app, or an {@link ExternalPostgresDatabase} made elsewhere. */
  readonly database: IPostgresDatabase;
  /**
   * How Squash TM is reached.
   * @default SquashExposure.nodePort()
   */
  readonly exposure?: SquashExposure;
  /**
   * The JVM heap (`-Xmx`, in SQUASH_JAVA_ARGS, which Squash's start script appends after its own `-Xms128m -Xmx2048m`).
   * The memory limit must leave at least 1008 MiB above it: metaspace (capped at 384 MiB), code cache (240 MiB), the
   * 128 MiB Squash TM documents, and 256 MiB of thread stacks.
   * @default - the memory limit minus 1 GiB (2 GiB with the default 3 GiB limit)
   */
  readonly heap?: Size;
  /**
   * Time a start may take (the first may create the schema, one after an upgrade may migrate it): the startup
   * probe's budget.
   * @default Duration.minutes(10)
   */
  readonly startupTimeout?: Duration;
  /**
   * Credentials in Squash's own namespace, required when the database lives in another namespace
   * (a pod can only read Secrets of its own namespace).
   * @default - the database's Secret (same namespace only)
   */
  readonly credentials?: Credentials;
}
