import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';

/**
 * Synthesizes the app that `build` fills into `outdir` in one step: every chart is built first (bad props throw
 * before anything is written), the YAML goes to a staging directory beside `outdir`, and only a complete result
 * replaces `outdir`. A failed synth leaves the previous output untouched.
 *
 * @param build adds the charts to the app it is given
 * @param outdir the output directory, e.g. `dist`
 */
export function synthToDirectory(build: (app: App) => void, outdir: string): void {
  const target = path.resolve(outdir);
  const staging = fs.mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}-`));
  try {
    const app = new App({ outdir: staging });
    build(app);
    app.synth();
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(staging, target);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
