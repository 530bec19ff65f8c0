// Internal: the checks of PostgresWithSecrets' props, all at once, before anything is created.
import { Construct } from 'constructs';
import { validateBackup } from '../../core/backup';
import { Credentials } from '../../core/credentials';
import { validateMetrics } from '../../core/metrics';
import { validateScheduling } from '../../core/scheduling';
import { validateTls } from '../../core/tls';
import { PropValidator } from '../../core/validation';
import { kindOf } from '../../core/validation-error';
import { PG_IDENTIFIER } from './connection';
import { EXPORTER_DEFAULT_RESOURCES, POSTGRES_DEFAULT_RESOURCES } from './defaults';
import { PostgresWithSecretsProps } from './props';
import { validatePostgresStorage } from './storage';
import { cronJobName, DerivedName, labelKeyName, serviceName, statefulSetName } from '../../core/naming';

/** The names and label values a PostgresWithSecrets derives from its `name`, with the features that write them. */
export function postgresDerivedNames(props: PostgresWithSecretsProps): DerivedName[] {
  return [
    statefulSetName(),
    serviceName('headless', '-hl'),
    ...(props.serviceName === undefined ? [serviceName('client', '-service')] : []),
    labelKeyName('client', '-client'),
    ...(props.backup ? [cronJobName('backup', '-backup')] : []),
  ];
}

export function validatePostgresProps(scope: Construct, props: PostgresWithSecretsProps) {
  const v = new PropValidator(scope);
  v.child('database').check(typeof props.database === 'string' && PG_IDENTIFIER.test(props.database),
    'must be a PostgreSQL identifier (a letter or _, then letters, digits or _, at most 63 characters)', props.database);
  v.child('credentials').check(props.credentials instanceof Credentials,
    'must come from Credentials.fromExistingSecret(), .sealedSecret() or .unsafePlaintext()', kindOf(props.credentials));
  if (props.name !== undefined && v.child('name').dns1035Label(props.name)) v.child('name').derivedNames(props.name, postgresDerivedNames(props));
  if (props.clusterDomain !== undefined) v.child('clusterDomain').dnsSubdomain(props.clusterDomain);
  if (props.serviceName !== undefined) v.child('serviceName').dns1035Label(props.serviceName);
  if (props.aliasServiceName !== undefined) v.child('aliasServiceName').dns1035Label(props.aliasServiceName);
  if (props.sharedMemorySize !== undefined) v.child('sharedMemorySize').size(props.sharedMemorySize);
  if (props.image !== undefined) v.child('image').image(props.image);
  v.child('runAs').runAs(props.runAs);
  v.child('resources').resources(props.resources, POSTGRES_DEFAULT_RESOURCES);
  validatePostgresStorage(v.child('storage'), props.storage);
  validateBackup(v.child('backup'), props.backup);
  validateTls(v.child('tls'), props.tls);
  // Clients besides the labelled ones: an empty list only means "the labelled ones" here, so it is allowed.
  if (props.allowedClients !== undefined && !(Array.isArray(props.allowedClients) && props.allowedClients.length === 0)) v.child('allowedClients').networkPeers(props.allowedClients);
  validateScheduling(v.child('scheduling'), props.scheduling);
  validateMetrics(v.child('metrics'), props.metrics);
  if (props.metrics?.image !== undefined) v.child('metrics', 'image').image(props.metrics.image);
  if (props.metrics !== undefined) v.child('metrics', 'resources').resources(props.metrics.resources, EXPORTER_DEFAULT_RESOURCES);
  v.throwIfInvalid();
}
