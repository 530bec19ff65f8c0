// Internal: the checks of PostgresWithSecrets' props, all at once, before anything is created.
import { Construct } from 'constructs';
import { validateBackup } from '../../core/backup';
import { Credentials } from '../../core/credentials';
import { validateMetrics } from '../../core/metrics';
import { validateScheduling } from '../../core/scheduling';
import { describeValue, PropValidator } from '../../core/validation';
import { PG_IDENTIFIER } from './connection';
import { EXPORTER_DEFAULT_RESOURCES, POSTGRES_DEFAULT_RESOURCES } from './defaults';
import { PostgresWithSecretsProps } from './props';
import { PostgresStorage } from './storage';

export function validatePostgresProps(scope: Construct, props: PostgresWithSecretsProps, storage: PostgresStorage) {
  const v = new PropValidator(scope);
  v.check('database', typeof props.database === 'string' && PG_IDENTIFIER.test(props.database),
    'must be a PostgreSQL identifier (a letter or _, then letters, digits or _, at most 63 characters)', props.database);
  v.check('credentials', props.credentials instanceof Credentials,
    'must come from Credentials.fromExistingSecret(), .sealed() or .unsafePlaintext()', describeValue(typeof props.credentials));
  if (props.name !== undefined) v.dns1035Label('name', props.name, 40);
  if (props.serviceName !== undefined) v.dns1035Label('serviceName', props.serviceName);
  if (props.aliasServiceName !== undefined) v.dns1035Label('aliasServiceName', props.aliasServiceName);
  if (props.sharedMemorySize !== undefined) v.size('sharedMemorySize', props.sharedMemorySize);
  if (props.image !== undefined) v.image('image', props.image);
  v.resources('resources', props.resources, POSTGRES_DEFAULT_RESOURCES);
  storage._validate(v);
  validateBackup(v, 'backup', props.backup);
  // Clients besides the labelled ones: an empty list only means "the labelled ones" here, so it is allowed.
  if (props.allowedClients !== undefined && !(Array.isArray(props.allowedClients) && props.allowedClients.length === 0)) v.networkPeers('allowedClients', props.allowedClients);
  validateScheduling(v, 'scheduling.', props.scheduling);
  validateMetrics(v, 'metrics.', props.metrics);
  if (props.metrics?.image !== undefined) v.image('metrics.image', props.metrics.image);
  if (props.metrics !== undefined) v.resources('metrics.resources', props.metrics.resources, EXPORTER_DEFAULT_RESOURCES);
  v.throwIfInvalid();
}
