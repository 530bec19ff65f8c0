// Internal: the checks of CassandraRing's props, all at once, before anything is created.
import { Size } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Credentials } from '../../core/credentials';
import { validateMetrics } from '../../core/metrics';
import { validateScheduling } from '../../core/scheduling';
import { PropValidator } from '../../core/validation';
import { kindOf, shown } from '../../core/validation-error';
import { MIN_EPHEMERAL_LIMIT } from './defaults';
import { EXPORTER_DEFAULT_RESOURCES } from './exporter';
import { cassandraHeapSizes, isSize, kibibytes, mebibytes } from './heap';
import { CassandraRingProps } from './props';
import { validateStorage } from '../../core/storage';
import { validateTls } from '../../core/tls';
import { DerivedName, jobName, serviceName, statefulSetName } from '../../core/naming';

/** Characters of the pod template hash in the auth bootstrap Job's name. */
export const AUTH_JOB_HASH_LENGTH = 8;

/** The names and label values a CassandraRing derives from its `name`, with the features that write them. */
export function cassandraDerivedNames(props: CassandraRingProps): DerivedName[] {
  return [
    statefulSetName(),
    serviceName('CQL client', '-client'),
    ...(props.unsafeDisableAuthentication ? [] : [jobName('auth bootstrap', '-auth-', AUTH_JOB_HASH_LENGTH)]),
  ];
}

/** Written unquoted into cassandra.yaml / cassandra-rackdc.properties by the image's `sed`. */
const CASSANDRA_NAME = /^[A-Za-z0-9]([A-Za-z0-9 _.-]{0,62}[A-Za-z0-9])?$/;

const CASSANDRA_DC_NAME = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;

export interface ResolvedInput {
  readonly name: string;
  readonly namespace: string;
  readonly replicas: number;
  readonly image: string;
  readonly resources: kplus.ContainerResources;
  readonly multiRack: boolean;
  readonly rackNames: string[];
}

export function validateCassandraProps(scope: Construct, props: CassandraRingProps, r: ResolvedInput) {
  const v = new PropValidator(scope);
  if (v.child('name').dns1035Label(r.name)) v.child('name').derivedNames(r.name, cassandraDerivedNames(props));
  if (props.namespace !== undefined) v.child('namespace').dnsLabel(props.namespace);
  if (props.clusterDomain !== undefined) v.child('clusterDomain').dnsSubdomain(props.clusterDomain);
  v.child('image').image(r.image);
  v.child('runAs').runAs(props.runAs);
  v.child('replicas').integer(r.replicas, 1, 1000);
  if (props.clusterName !== undefined) {
    v.child('clusterName').check(typeof props.clusterName === 'string' && CASSANDRA_NAME.test(props.clusterName),
      'must be 1 to 64 letters, digits, spaces, \'.\', \'_\' or \'-\', starting and ending with a letter or digit (the image writes it unquoted into cassandra.yaml)',
      props.clusterName);
  }
  if (props.datacenter !== undefined) {
    v.child('datacenter').check(typeof props.datacenter === 'string' && CASSANDRA_DC_NAME.test(props.datacenter),
      'must be 1 to 63 letters, digits, \'.\', \'_\' or \'-\', starting and ending with a letter or digit', props.datacenter);
  }

  // Racks.
  v.child('racks').check(!(props.racks !== undefined && props.rack !== undefined), 'cannot be combined with "rack" (one rack: use "rack"; several: "racks")', props.racks);
  if (r.multiRack) {
    v.child('racks').check(r.rackNames.length >= 1, 'must name at least one rack', r.rackNames);
    const seen = new Set<string>();
    r.rackNames.forEach((rack, i) => {
      v.child('racks').index(i).dnsLabel(rack);
      v.child('racks').index(i).check(!seen.has(rack), 'must be unique among the racks', rack);
      seen.add(rack);
    });
  } else if (props.rack !== undefined) {
    v.child('rack').dnsLabel(props.rack);
  }
  if (Number.isInteger(r.replicas) && r.rackNames.length > 0) {
    v.child('replicas').check(r.replicas >= r.rackNames.length, `must be at least the number of racks (${r.rackNames.length}), one node per rack at least`, r.replicas);
  }
  if (props.zones !== undefined) {
    const zones = props.zones;
    Object.entries(zones).forEach(([rack, zone]) => {
      const at = v.child('zones').key(rack);
      at.check(r.rackNames.includes(rack), `must name a rack (${r.rackNames.join(', ')})`, rack);
      if (at.labelValue(zone)) {
        const other = Object.keys(zones).find((k) => k !== rack && zones[k] === zone);
        at.check(other === undefined, `must differ from the zone of every other rack (rack "${other}" has it too)`, zone);
      }
    });
    const missing = r.rackNames.filter((rack) => !(rack in zones));
    v.child('zones').check(missing.length === 0, `must map every rack to its zone (missing: ${missing.join(', ')})`, zones);
  }

  // Seeds.
  if (props.seedCount !== undefined) {
    v.child('seedCount').check(Number.isInteger(props.seedCount) && props.seedCount >= 1 && props.seedCount <= r.replicas,
      `must be an integer between 1 and replicas (${r.replicas})`, props.seedCount);
  }

  // Storage.
  validateStorage(v.child('storage'), props.storage);

  // Resources and heap.
  const memory = r.resources.memory!;
  let memoryOk = v.child('resources', 'memory', 'limit').size(memory.limit);
  if (memoryOk) {
    memoryOk = v.child('resources', 'memory', 'limit').check(mebibytes(memory.limit!) >= 1024, 'must be at least 1 GiB (Cassandra needs heap and off-heap memory)', memory.limit);
  }
  if (v.child('resources', 'memory', 'request').size(memory.request) && isSize(memory.limit)) {
    v.child('resources', 'memory', 'request').check(kibibytes(memory.request!) <= kibibytes(memory.limit), 'must not exceed the memory limit', memory.request);
  }
  if (memoryOk) validateHeap(v, props, memory.limit!);
  const eph = r.resources.ephemeralStorage!;
  if (v.child('resources', 'ephemeralStorage', 'limit').size(eph.limit)) {
    v.child('resources', 'ephemeralStorage', 'limit').check(mebibytes(eph.limit!) >= mebibytes(MIN_EPHEMERAL_LIMIT),
      'must be at least 1.5 GiB (the config, tmp and log volumes take up to 1168 MiB, plus the container\'s stdout logs)', eph.limit);
  }
  if (v.child('resources', 'ephemeralStorage', 'request').size(eph.request) && isSize(eph.limit)) {
    v.child('resources', 'ephemeralStorage', 'request').check(kibibytes(eph.request!) <= kibibytes(eph.limit), 'must not exceed the ephemeral-storage limit', eph.request);
  }
  if (props.terminationGracePeriod !== undefined) {
    v.child('terminationGracePeriod').wholeSeconds(props.terminationGracePeriod, 30, 'at least 30 (nodetool drain flushes every memtable)');
  }
  validateScheduling(v.child('scheduling'), props.scheduling);
  validateMetrics(v.child('metrics'), props.metrics);
  validateTls(v.child('tls'), props.tls);
  if (props.credentials !== undefined) {
    v.child('credentials').check(props.credentials instanceof Credentials, 'must come from Credentials.fromExistingSecret(), .sealedSecret() or .unsafePlaintext()', kindOf(props.credentials));
    v.child('credentials').check(!props.unsafeDisableAuthentication, 'must not be given with unsafeDisableAuthentication (no role would be created)', shown('a Credentials'));
  }
  if (props.unsafeDisableAuthentication !== undefined) v.child('unsafeDisableAuthentication').check(typeof props.unsafeDisableAuthentication === 'boolean', 'must be a boolean', props.unsafeDisableAuthentication);
  if (props.metrics?.image !== undefined) v.child('metrics', 'image').image(props.metrics.image);
  if (props.metrics !== undefined) v.child('metrics', 'resources').resources(props.metrics.resources, EXPORTER_DEFAULT_RESOURCES);
  v.throwIfInvalid();
}

/** The heap that `props` give or the limit implies: at most half the limit, the young generation at most half the heap. */
export function validateHeap(v: PropValidator, props: CassandraRingProps, memoryLimit: Size) {
  const limit = mebibytes(memoryLimit);
  let heap = cassandraHeapSizes(memoryLimit).maxHeapSize;
  if (props.maxHeapSize !== undefined) {
    if (!v.child('maxHeapSize').check(isSize(props.maxHeapSize) && mebibytes(props.maxHeapSize) >= 256, 'must be a Size of at least 256 MiB', props.maxHeapSize)) return;
    heap = props.maxHeapSize;
    v.child('maxHeapSize').check(mebibytes(heap) <= limit / 2,
      `must be at most half the memory limit (${limit / 2} MiB of ${limit} MiB): off-heap memory needs the rest`, heap);
  }
  if (props.heapNewSize !== undefined) {
    if (!v.child('heapNewSize').check(isSize(props.heapNewSize) && mebibytes(props.heapNewSize) >= 16, 'must be a Size of at least 16 MiB', props.heapNewSize)) return;
    v.child('heapNewSize').check(mebibytes(props.heapNewSize) <= mebibytes(heap) / 2,
      `must be at most half the heap (${mebibytes(heap) / 2} MiB of ${mebibytes(heap)} MiB)`, props.heapNewSize);
  }
}
