// Internal: the checks of SquashApp's props, all at once, before anything is created.
import { isIP } from 'net';
import { Construct } from 'constructs';
import { validateIngress } from '../../core/ingress';
import { resolveResources } from '../../core/resources';
import { validateScheduling } from '../../core/scheduling';
import { serviceName } from '../../core/naming';
import { PropValidator } from '../../core/validation';
import { kindOf, shown } from '../../core/validation-error';
import { isDnsSubdomain } from '../../core/validation-rules';
import { PG_IDENTIFIER, IPostgresDatabase } from '../postgres/connection';
import { MIN_SQUASH_HEAP_MIB, SQUASH_DEFAULT_HEAP_HEADROOM_MIB, SQUASH_DEFAULT_RESOURCES, SQUASH_NON_HEAP, SQUASH_NON_HEAP_MIB } from './defaults';
import { heapMiB, mebibytes } from './jvm';
import { SquashAppProps, SquashExposure } from './props';

export function validateSquashProps(scope: Construct, props: SquashAppProps, exposure: SquashExposure, namespace: string) {
  const v = new PropValidator(scope);
  const db = props.database?.connection;
  const database: unknown = props.database;
  if (!v.child('database').check(db !== undefined && typeof (database as IPostgresDatabase).allowFrom === 'function',
    'must be a PostgresWithSecrets or an ExternalPostgresDatabase', kindOf(database))) {
    v.throwIfInvalid();
  }
  if (props.name !== undefined && v.child('name').dns1035Label(props.name)) v.child('name').derivedNames(props.name, [serviceName('', '')]);
  if (props.clusterDomain !== undefined) v.child('clusterDomain').dnsSubdomain(props.clusterDomain);
  v.child('runAs').runAs(props.runAs);
  // A database made elsewhere: every field reaches the YAML, and host and database reach the init container's shell.
  const at = v.child('database', 'connection');
  at.child('host').check(isDnsSubdomain(db.host) || isIP(String(db.host)) !== 0, 'must be a DNS name or an IP address', db.host);
  at.child('fqdn').check(isDnsSubdomain(db.fqdn) || isIP(String(db.fqdn)) !== 0, 'must be a DNS name or an IP address', db.fqdn);
  at.child('port').integer(db.port, 1, 65535);
  at.child('database').check(typeof db.database === 'string' && PG_IDENTIFIER.test(db.database),
    'must be a PostgreSQL identifier (a letter or _, then letters, digits or _, at most 63 characters)', db.database);
  at.child('namespace').dnsLabel(db.namespace);
  at.child('secretName').dnsSubdomain(db.secretName);
  at.child('usernameKey').secretKey(db.usernameKey);
  at.child('passwordKey').secretKey(db.passwordKey);
  at.child('clientLabels').labels(db.clientLabels, true);
  if (at.child('serverLabels').labels(db.serverLabels, true)) {
    at.child('serverLabels').check(Object.keys(db.serverLabels ?? {}).length > 0, 'must select the database pods (an empty selector lets Squash reach every pod)', db.serverLabels);
  }
  if (!v.child('exposure').check(exposure instanceof SquashExposure, 'must come from SquashExposure.nodePort(), .clusterIp() or .ingress()', kindOf(exposure))) v.throwIfInvalid();
  if (exposure.fixedNodePort !== undefined) v.child('exposure', 'nodePort').integer(exposure.fixedNodePort, 30000, 32767);
  validateIngress(v.child('exposure', 'ingress'), exposure.ingressOptions);
  if (props.image !== undefined) v.child('image').image(props.image);
  if (props.startupTimeout !== undefined) {
    // The startup probe's budget (failureThreshold x 10 s): 0 would be the API server's default (3, 30 s); Squash's
    // first start creates the schema.
    const seconds = props.startupTimeout.toMilliseconds() / 1000;
    v.child('startupTimeout').check(Number.isFinite(seconds) && seconds >= 60 && seconds <= 24 * 3600,
      'must be between 1 minute and 24 hours (the first start creates the database schema)', shown(`${seconds}s`));
  }
  if (v.child('resources').resources(props.resources, SQUASH_DEFAULT_RESOURCES)) {
    // Below 512 MiB of heap Squash TM (Spring, Hibernate) does not start; above the heap, the limit must hold the
    // JVM's other memory (defaults.ts: metaspace 384 + code cache 240 + 128 documented + threads 256 MiB).
    const limit = resolveResources(props.resources, SQUASH_DEFAULT_RESOURCES).memory!.limit!;
    const limitMiB = mebibytes(limit);
    if (props.heap !== undefined) {
      const heap = v.child('heap').size(props.heap) ? mebibytes(props.heap) : NaN;
      if (Number.isFinite(heap) && v.child('heap').check(heap >= MIN_SQUASH_HEAP_MIB, `must be at least ${MIN_SQUASH_HEAP_MIB} MiB`, props.heap)) {
        v.child('resources', 'memory', 'limit').check(limitMiB - heap >= SQUASH_NON_HEAP_MIB,
          `must leave ${SQUASH_NON_HEAP_MIB} MiB above the heap of ${heap} MiB (metaspace ${SQUASH_NON_HEAP.metaspaceMiB} + code cache ${SQUASH_NON_HEAP.codeCacheMiB} + ${SQUASH_NON_HEAP.documentedMarginMiB} + thread stacks ${SQUASH_NON_HEAP.threadStacksMiB}): at least ${heap + SQUASH_NON_HEAP_MIB} MiB`, limit);
      }
    } else {
      v.child('resources', 'memory', 'limit').check(heapMiB(limit, undefined) >= MIN_SQUASH_HEAP_MIB,
        `must be at least ${MIN_SQUASH_HEAP_MIB + SQUASH_DEFAULT_HEAP_HEADROOM_MIB} MiB: the default heap is the limit minus ${SQUASH_DEFAULT_HEAP_HEADROOM_MIB} MiB (metaspace, code cache, thread stacks) and must be at least ${MIN_SQUASH_HEAP_MIB} MiB (it gives -Xmx${heapMiB(limit, undefined)}m)`, limit);
    }
  }
  if (db.namespace !== namespace) {
    v.child('database', 'connection', 'fqdn').check(isDnsSubdomain(db.fqdn) && (db.fqdn ?? '').split('.').length >= 3,
      `must be a fully qualified name reachable from namespace "${namespace}" (the database is in namespace "${db.namespace}")`, db.fqdn);
    v.child('credentials').check(props.credentials !== undefined,
      `is required when the database is in another namespace ("${db.namespace}"): pods read Secrets of their own namespace only`, props.credentials);
  }
  validateScheduling(v.child('scheduling'), props.scheduling);
  v.throwIfInvalid();
}
