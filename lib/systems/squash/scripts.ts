// Internal: the script Squash TM's init container runs, from the script file beside this one.
import { ScriptFile } from '../../core/script';

const WAIT_FOR_DATABASE = ScriptFile.at(__dirname, 'wait-for-database.sh');

/** The init container's loop (wait-for-database.sh): until the database accepts connections. */
export function waitForDatabaseScript(o: { host: string; port: number; database: string; userFile: string }): string {
  return WAIT_FOR_DATABASE.render({ HOST: o.host, PORT: o.port, DATABASE: o.database, USER_FILE: o.userFile });
}
