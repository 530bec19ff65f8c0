// Consul observed from a client pod: Raft's voter set through autopilot, as the leader sees it.
import { ConsulCluster, ConsulClusterProps } from '../../../lib';
import { KubeObject } from './kube';
import { Pod } from './pod';
import { waitFor } from './proc';
import { CONSUL_IMAGE, StatefulSetRunner, clientPod, monitor, objectsOf, synthChart } from './servers';

export interface RaftState {
  readonly at: number;
  /** A leader answered (the request is forwarded to it). */
  readonly leader: boolean;
  readonly voters: number;
  readonly healthyVoters: number;
  readonly servers: number;
}

/** The objects of a ConsulCluster (datacenter dc1) in `namespace`, as synthesized. */
export function synthConsul(namespace: string, props: ConsulClusterProps): KubeObject[] {
  return objectsOf(synthChart(namespace, (chart) => new ConsulCluster(chart, 'consul', { datacenter: 'dc1', ...props })));
}

/**
 * An HTTP API call from the client pod to the first server that answers (HTTPS with the CA file `tls`, when given;
 * with the ACL token `token`, when given).
 */
export async function api(client: Pod, sts: StatefulSetRunner, p: string, tls?: string, token?: string): Promise<any> {
  for (const pod of sts.pods.values()) {
    const target = tls
      ? ['--cacert', tls, '--resolve', `server.dc1.consul:8501:${pod.ip}`, `https://server.dc1.consul:8501${p}`]
      : [`http://${pod.ip}:8500${p}`];
    const r = await client.exec(['curl', '-sf', '--max-time', '2', ...(token ? ['-H', `X-Consul-Token: ${token}`] : []), ...target]);
    if (r.code === 0) return JSON.parse(r.stdout);
  }
  return undefined;
}

/** Autopilot's view of the Raft peer set, from the leader. */
export async function raftState(client: Pod, sts: StatefulSetRunner, tls?: string, token?: string): Promise<RaftState> {
  const h = await api(client, sts, '/v1/operator/autopilot/health', tls, token).catch(() => undefined);
  if (!h?.Servers) return { at: Date.now(), leader: false, voters: 0, healthyVoters: 0, servers: 0 };
  return {
    at: Date.now(),
    leader: h.Servers.some((s: any) => s.Leader),
    voters: h.Servers.filter((s: any) => s.Voter).length,
    healthyVoters: h.Servers.filter((s: any) => s.Voter && s.Healthy).length,
    servers: h.Servers.length,
  };
}

/**
 * Waits until autopilot reports `want`: by default up to 3 minutes (a CI run with the four Cassandra files beside the
 * Consul ones saw the third server still not a voter after 90 s on 2 cores; it joins, autopilot promotes it once it has
 * been stable and healthy, which takes longer when every heartbeat waits for a core).
 */
export async function waitForState(client: Pod, sts: StatefulSetRunner, want: Partial<RaftState>, tls?: string, timeoutMs = 180_000, token?: string): Promise<RaftState> {
  let last: RaftState | undefined;
  try {
    return await waitFor(`Raft state ${JSON.stringify(want)}`, async () => {
      last = await raftState(client, sts, tls, token);
      return Object.entries(want).every(([k, v]) => (last as any)[k] === v) ? last : undefined;
    }, timeoutMs, 1000);
  } catch (e) {
    throw new Error(`${(e as Error).message}; last seen ${JSON.stringify(last)}`);
  }
}

/** The states where fewer than `min` healthy voters served, or no quorum of the voter set was healthy. */
export function unsafeStates(states: RaftState[], min: number): RaftState[] {
  return states.filter((s) => s.leader && (s.healthyVoters < min || s.healthyVoters < Math.floor(s.voters / 2) + 1));
}

/**
 * Runs `change` while sampling autopilot every 0.5 s: no sampled state may have fewer than `minHealthy` healthy
 * voters (or lose a quorum), and the moment the last pod is Ready, `voters` healthy voters must serve.
 */
export async function expectSafeChange(client: Pod, sts: StatefulSetRunner, change: () => Promise<void>, minHealthy: number, voters: number): Promise<void> {
  const m = monitor(() => raftState(client, sts));
  await change();
  expect(unsafeStates(await m.stop(), minHealthy)).toEqual([]);
  expect(await raftState(client, sts)).toMatchObject({ leader: true, voters, healthyVoters: voters });
}

/** The Accept header Prometheus (2.x) sends when it scrapes. */
export const PROMETHEUS_ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/**
 * Scrapes server `ordinal` as an annotation-driven Prometheus would: scheme, port and path from the pod template's
 * `prometheus.io/*` annotations (or, without them, the API port and Consul's metrics path), Prometheus' Accept header.
 */
export async function scrape(client: Pod, sts: StatefulSetRunner, ordinal: number): Promise<{ status: string; headers: string; body: string }> {
  const a = sts.set.spec.template.metadata.annotations ?? {};
  const target = `${a['prometheus.io/scheme'] ?? 'http'}://${sts.pods.get(ordinal)!.ip}:${a['prometheus.io/port'] ?? '8500'}${a['prometheus.io/path'] ?? '/v1/agent/metrics'}`;
  const r = await client.exec(['curl', '-s', '-i', '--max-time', '5', '-H', `Accept: ${PROMETHEUS_ACCEPT}`, target]);
  const split = r.stdout.indexOf('\r\n\r\n');
  const headers = split < 0 ? r.stdout : r.stdout.slice(0, split);
  return { status: headers.split(' ')[1] ?? '', headers, body: split < 0 ? '' : r.stdout.slice(split + 4) };
}

/** Puts `value` at `key` through server `ordinal`'s stable DNS name, from the client pod. */
export async function putKey(client: Pod, sts: StatefulSetRunner, ordinal: number, key: string, value: string): Promise<string> {
  const host = `${sts.name}-${ordinal}.${sts.set.spec.serviceName}.${sts.namespace}.svc.cluster.local`;
  return (await client.exec(['curl', '-sf', '-X', 'PUT', '--data', value, `http://${host}:8500/v1/kv/${key}`])).stdout;
}

/** Reads `key` through server `ordinal`'s stable DNS name, from the client pod. */
export async function getKey(client: Pod, sts: StatefulSetRunner, ordinal: number, key: string): Promise<string> {
  const host = `${sts.name}-${ordinal}.${sts.set.spec.serviceName}.${sts.namespace}.svc.cluster.local`;
  return (await client.exec(['curl', '-sf', `http://${host}:8500/v1/kv/${key}?raw`])).stdout;
}

/** Out-of-band inputs of a {@link consulFixture}. */
export interface ConsulFixtureOptions {
  /** Secrets created out of band (name -> key -> value). */
  readonly secrets?: Record<string, Record<string, string>>;
  /** The ACL token the fixture's own API calls carry (ACLs on). */
  readonly token?: string;
}

/**
 * A Consul cluster from the synthesized objects of `props`, and a client pod, for one describe block: when `start`,
 * its servers are created in the controller's order and every one is a healthy voter before the tests run; all of
 * it is killed after them (no graceful leave: 13 s a server). The fields are set once beforeAll has run.
 */
export function consulFixture(namespace: string, props: ConsulClusterProps, start = true, o: ConsulFixtureOptions = {}): { client: Pod; sts: StatefulSetRunner } {
  const f = {} as { client: Pod; sts: StatefulSetRunner };
  beforeAll(async () => {
    f.client = await clientPod(namespace);
    f.sts = new StatefulSetRunner({ objects: synthConsul(namespace, props), image: CONSUL_IMAGE, secrets: o.secrets });
    if (start) {
      const replicas = props.replicas ?? 3;
      await f.sts.scale(replicas);
      await waitForState(f.client, f.sts, { leader: true, voters: replicas, healthyVoters: replicas }, undefined, undefined, o.token);
    }
  });
  afterAll(async () => {
    await f.sts?.killAll();
    await f.client?.stop();
  });
  return f;
}
