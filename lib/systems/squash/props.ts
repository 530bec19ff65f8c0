// The props of SquashApp and how it is exposed.
import { Duration } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import { Credentials } from '../../core/credentials';
import { IngressOptions } from '../../core/ingress';
import { SchedulingOptions } from '../../core/scheduling';
import { RunAsUser } from '../../core/security';
import { IPostgresDatabase } from '../postgres/connection';

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
    /** Fixed node port, if any. */
    public readonly nodePort?: number,
    /** Ingress options, if any. */
    public readonly ingressOptions?: IngressOptions) {}
}

/** Properties of a {@link SquashApp}. */
export interface SquashAppProps {
  /** The PostgreSQL database: a {@link PostgresWithSecrets} of this app, or an {@link ExternalPostgresDatabase} made elsewhere. */
  readonly database: IPostgresDatabase;
  /**
   * Name of the Deployment, Service and other objects.
   * @default 'squash-tm'
   */
  readonly name?: string;
  /**
   * Namespace of every object.
   * @default - the chart's namespace, or `default`
   */
  readonly namespace?: string;
  /**
   * Squash TM image, pinned.
   * @default SQUASH_DEFAULT_IMAGE
   */
  readonly image?: string;
  /**
   * How Squash TM is reached.
   * @default SquashExposure.nodePort()
   */
  readonly exposure?: SquashExposure;
  /**
   * CPU and memory.
   * @default - cpu 500m request / 2 limit, memory 2Gi request and limit
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * Share of the memory limit the JVM heap may use (`-XX:MaxRAMPercentage`).
   * @default 70
   */
  readonly heapPercentage?: number;
  /**
   * Time the first start may take (schema creation): the startup probe's budget.
   * @default Duration.minutes(10)
   */
  readonly startupTimeout?: Duration;
  /**
   * Credentials in Squash's own namespace, required when the database lives in another namespace
   * (a pod can only read Secrets of its own namespace).
   * @default - the database's Secret (same namespace only)
   */
  readonly credentials?: Credentials;
  /**
   * The user Squash TM runs as.
   * @default - uid 10001, gid 10001
   */
  readonly runAs?: RunAsUser;
  /**
   * Scheduling controls: a PriorityClass, tolerations, a node selector (the spread across zones means little for
   * one pod, and is off unless asked for).
   * @default - no priority class, toleration or node selector
   */
  readonly scheduling?: SchedulingOptions;
}
