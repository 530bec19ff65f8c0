// Internal: the scripts a PostgreSQL pod or its backup Job runs, from the script files beside this one.
import { ScriptFile } from '../../core/script';
import { PG_PASSWORD_FILE, PG_USER_FILE, TLS_DIR } from './defaults';

const READINESS = ScriptFile.at(__dirname, 'readiness.sh');
const PRE_STOP = ScriptFile.at(__dirname, 'pre-stop.sh');
const BACKUP = ScriptFile.at(__dirname, 'backup.sh');
const TLS_RELOAD = ScriptFile.at(__dirname, 'tls-reload.sh');

/** The readiness probe (readiness.sh): the server accepts connections to `database`. */
export function readinessScript(database: string): string {
  return READINESS.render({ USER_FILE: PG_USER_FILE, DATABASE: database });
}

/** The preStop hook (pre-stop.sh): a fast shutdown. */
export function preStopScript(): string {
  return PRE_STOP.render();
}

/** The backup CronJob's work (backup.sh): one pg_dump of `database` into `backupDir`. */
export function backupScript(o: { backupDir: string; host: string; port: number; database: string }): string {
  return BACKUP.render({ PASSWORD_FILE: PG_PASSWORD_FILE, USER_FILE: PG_USER_FILE, BACKUP_DIR: o.backupDir, HOST: o.host, PORT: o.port, DATABASE: o.database });
}

/** How often the tls-reload sidecar looks at the certificate files, in seconds. */
export const TLS_RELOAD_INTERVAL_SECONDS = 30;

/** The tls-reload sidecar's loop (tls-reload.sh): the server reloads its certificate and key when their files change. */
export function tlsReloadScript(database: string): string {
  return TLS_RELOAD.render({ USER_FILE: PG_USER_FILE, PASSWORD_FILE: PG_PASSWORD_FILE, TLS_DIR, DATABASE: database, INTERVAL: TLS_RELOAD_INTERVAL_SECONDS });
}

/**
 * The pg_hba.conf of a server that requires TLS: passwords (SCRAM) everywhere, TCP only over TLS, and plaintext TCP
 * refused by an explicit line (the client reads "pg_hba.conf rejects connection ... no encryption" before any password is asked).
 */
export function hbaConf(): string {
  return [
    '# Written by PostgresWithSecrets (tls.mode REQUIRED): first matching line wins.',
    '# TYPE    DATABASE USER ADDRESS METHOD',
    'local     all      all          scram-sha-256',
    'hostssl   all      all  all     scram-sha-256',
    'hostnossl all      all  all     reject',
    '',
  ].join('\n');
}
