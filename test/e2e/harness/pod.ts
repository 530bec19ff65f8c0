// A pod, run the way a kubelet would run it, from the pod spec of the synthesized YAML: its own network namespace
// (one address on the fabric), its own mount and UTS namespaces (hostname = pod name), a read-only root filesystem
// made of the host's /usr plus what the image contributes (a busybox /bin for Alpine images, an entrypoint script),
// the volumes of the spec at their mount paths (configMap and secret files with their modes, emptyDirs, claims that
// outlive the pod), the user, group and fsGroup of the security context (setpriv: no new privileges, no
// capabilities), the env of the spec ($(VAR) expansion, fieldRef, secretKeyRef), command and args, exec probes,
// and preStop hooks. Init containers run to completion first, in order.
//
// What it does not do: pull images (the image is a profile of the real software installed here), enforce CPU and
// memory limits, restart crashed containers, or enforce NetworkPolicies.
import * as fs from 'fs';
import * as path from 'path';
import { createNetns, deleteNetns } from './netns';
import { Daemon, RunResult, run, sleep, startDaemon } from './proc';

/** What an image contributes to a container's filesystem and defaults. */
export interface ImageProfile {
  readonly name: string;
  /** `/etc/passwd` and `/etc/group` lines (the image's users). */
  readonly passwd: string[];
  readonly group: string[];
  /** The image's PATH. */
  readonly path: string;
  readonly entrypoint?: string[];
  readonly cmd?: string[];
  /** The image's ENV. */
  readonly env?: Record<string, string>;
  /** Alpine: /bin holds busybox (its sh, cat, grep, awk...). Otherwise /bin is the host's /usr/bin (Debian). */
  readonly busybox?: boolean;
  /** Files of the image: path in the container (under /bin or /usr/local/bin) -> file on this machine. */
  readonly files?: Record<string, string>;
  /**
   * Directories of the image: path in the container -> directory on this machine, mounted read-only (an image's
   * layers cannot be written to through a read-only root either). A volume mounted at the same path hides it, as a
   * volume hides the image's directory.
   */
  readonly dirs?: Record<string, string>;
  /** Symbolic links of the image: path in the container -> target. */
  readonly symlinks?: Record<string, string>;
  /** STOPSIGNAL of the image. */
  readonly stopSignal?: NodeJS.Signals;
}

/** The cluster DNS of the suite: name -> address, written into every pod's /etc/hosts (nsswitch: files dns). */
export class Dns {
  private readonly records = new Map<string, string>();
  private readonly files = new Map<string, string>();

  /** Adds or replaces names for an address. */
  public set(names: string[], address: string): void {
    for (const n of names) this.records.set(n, address);
    this.flush();
  }

  public remove(names: string[]): void {
    for (const n of names) this.records.delete(n);
    this.flush();
  }

  /** Registers a pod's hosts file (its own kubelet lines first). */
  public attach(file: string, own: string): void {
    this.files.set(file, own);
    this.flush();
  }

  public detach(file: string): void {
    this.files.delete(file);
  }

  private flush(): void {
    const cluster = [...this.records.entries()].map(([n, a]) => `${a}\t${n}`).join('\n');
    for (const [file, own] of this.files) {
      // In place (same inode): the file is bind-mounted into the running pod.
      fs.writeFileSync(file, `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${own}\n${cluster}\n`);
    }
  }
}

/** The Kubernetes API as a kubelet offers it to its pods. */
export interface PodApi {
  /** KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT, in every container's environment. */
  readonly env: Record<string, string>;
  /** A token of `serviceAccount` from the TokenRequest API (a projected serviceAccountToken source). */
  readonly token: (namespace: string, serviceAccount: string, expirationSeconds: number, audience?: string) => Promise<string>;
}

export interface PodOptions {
  readonly name: string;
  readonly namespace: string;
  /** The governing Service (hostname.subdomain.namespace.svc.cluster.local), for StatefulSet pods. */
  readonly subdomain?: string;
  readonly clusterDomain?: string;
  /** The pod spec, from the synthesized object. */
  readonly spec: any;
  readonly image: ImageProfile;
  /**
   * Images of the pod's other containers (sidecars), by container name: each is started beside the main container.
   * @default - the main container only
   */
  readonly sidecarImages?: Record<string, ImageProfile>;
  readonly ip: string;
  readonly dns: Dns;
  /** Host directories backing the pod's claims, by volume name (they outlive the pod). */
  readonly claims?: Record<string, string>;
  readonly configMaps?: Record<string, Record<string, string>>;
  readonly secrets?: Record<string, Record<string, string>>;
  readonly workDir: string;
  /**
   * The API server the pod can reach (its service env, and tokens for projected serviceAccountToken volumes).
   * @default - none: a projected token volume is refused
   */
  readonly api?: PodApi;
}

export interface ExecOptions {
  /** Extra environment (on top of the container's). */
  readonly env?: Record<string, string>;
  readonly timeoutMs?: number;
  /** Run with the container's env and user (default), or as another uid. */
  readonly uid?: number;
  readonly input?: string;
}

let incarnations = 0;

function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Kubernetes $(VAR) expansion: $(VAR) from `env` when defined (else left as is), $$ -> $. */
export function expand(s: string, env: Record<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name) => (m === '$$' ? '$' : name in env ? env[name] : m));
}

export class Pod {
  public readonly netns: Promise<string>;
  private readonly dir: string;
  private readonly hostsFile: string;
  private main?: Daemon;
  private mainEnv: Record<string, string> = {};
  private stopped = false;

  constructor(public readonly o: PodOptions) {
    // Unique on this machine: parallel test workers run pods of the same name in other namespaces.
    this.dir = path.join(o.workDir, 'pods', `w${process.env.JEST_WORKER_ID ?? '0'}-${o.namespace}-${o.name}-${++incarnations}`);
    fs.mkdirSync(path.join(this.dir, 'vol'), { recursive: true, mode: 0o755 });
    fs.chmodSync(path.join(o.workDir, 'pods'), 0o755);
    fs.chmodSync(this.dir, 0o755);
    this.hostsFile = path.join(this.dir, 'hosts');
    this.netns = createNetns(`${o.name}-${incarnations}`, o.ip);
  }

  get name(): string {
    return this.o.name;
  }

  get ip(): string {
    return this.o.ip;
  }

  get fqdn(): string | undefined {
    const domain = this.o.clusterDomain ?? 'cluster.local';
    return this.o.subdomain ? `${this.o.name}.${this.o.subdomain}.${this.o.namespace}.svc.${domain}` : undefined;
  }

  get pid(): number | undefined {
    return this.main?.pid;
  }

  get running(): boolean {
    return !!this.main?.running;
  }

  /** Log of container `name` (the main container by default). */
  public log(name?: string): string {
    const file = path.join(this.dir, `${name ?? this.container().name}.log`);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf-8') : '';
  }

  private container(name?: string): any {
    const all = [...(this.o.spec.initContainers ?? []), ...this.o.spec.containers];
    return name ? all.find((c: any) => c.name === name) : this.o.spec.containers[0];
  }

  private get fsGroup(): number | undefined {
    return this.o.spec.securityContext?.fsGroup;
  }

  /** Creates the volumes, runs the init containers to completion, starts the main container. */
  public async start(): Promise<void> {
    await this.netns;
    const own = this.fqdn ? `${this.o.ip}\t${this.fqdn}\t${this.o.name}` : `${this.o.ip}\t${this.o.name}`;
    fs.writeFileSync(this.hostsFile, '');
    this.o.dns.attach(this.hostsFile, own);
    this.prepareVolumes(await this.projectedTokens());
    for (const init of this.o.spec.initContainers ?? []) {
      const d = await this.launch(init);
      const code = await d.done;
      if (code !== 0) throw new Error(`${this.name}: init container ${init.name} exited ${code}:\n${this.log(init.name)}`);
    }
    this.main = await this.launch(this.container());
    this.mainEnv = this.envOf(this.container());
    for (const c of this.o.spec.containers.slice(1)) {
      if (this.o.sidecarImages?.[c.name]) this.sidecars.set(c.name, await this.launch(c));
    }
  }

  private readonly sidecars = new Map<string, Daemon>();

  /** Whether sidecar `name` is running. */
  public sidecarRunning(name: string): boolean {
    return !!this.sidecars.get(name)?.running;
  }

  /** PID of sidecar `name`'s process (as the host sees it: the setpriv/env chain execs into the container's command). */
  public sidecarPid(name: string): number | undefined {
    return this.sidecars.get(name)?.pid;
  }

  /**
   * Runs an httpGet or tcpSocket probe of container `name` as the kubelet does, against the pod IP (named ports
   * resolved through the container's ports): true when it answers 2xx/3xx (httpGet) or accepts (tcpSocket) in time.
   */
  public async networkProbe(name: string, kind: 'readinessProbe' | 'livenessProbe'): Promise<boolean> {
    const c = this.container(name);
    const p = c?.[kind];
    const h = p?.httpGet ?? p?.tcpSocket;
    if (!h) throw new Error(`${this.name}: container ${name} has no httpGet or tcpSocket ${kind}`);
    const port = typeof h.port === 'number' ? h.port : c.ports.find((x: any) => x.name === h.port)?.containerPort;
    if (port === undefined) throw new Error(`${this.name}: ${kind} of ${name} names no port of the container: ${h.port}`);
    const timeout = String(p.timeoutSeconds ?? 1);
    const argv = p.httpGet
      ? ['curl', '-sS', '-o', '/dev/null', '--max-time', timeout, '-w', '%{http_code}', `http://${this.ip}:${port}${p.httpGet.path ?? '/'}`]
      : ['bash', '-c', `timeout ${timeout} bash -c 'exec 3<>/dev/tcp/${this.ip}/${port}'`];
    const r = await run('ip', ['netns', 'exec', await this.netns, ...argv]);
    return p.httpGet ? r.code === 0 && /^[23]\d\d$/.test(r.stdout.trim()) : r.code === 0;
  }

  /** Volume directories on this machine, by volume name. */
  private volumeDirs = new Map<string, string>();

  /** Tokens of the projected serviceAccountToken sources, by volume name and path, requested as the kubelet does. */
  private async projectedTokens(): Promise<Map<string, string>> {
    const tokens = new Map<string, string>();
    for (const v of this.o.spec.volumes ?? []) {
      for (const src of v.projected?.sources ?? []) {
        if (!src.serviceAccountToken) continue;
        if (!this.o.api) throw new Error(`${this.name}: volume ${v.name} projects a ServiceAccount token, and this pod has no API server`);
        const sa = this.o.spec.serviceAccountName ?? 'default';
        tokens.set(`${v.name}/${src.serviceAccountToken.path}`, await this.o.api.token(this.o.namespace, sa, src.serviceAccountToken.expirationSeconds ?? 3600, src.serviceAccountToken.audience));
      }
    }
    return tokens;
  }

  private prepareVolumes(tokens: Map<string, string>): void {
    const g = this.fsGroup;
    for (const v of this.o.spec.volumes ?? []) {
      let dir: string;
      if (v.persistentVolumeClaim) {
        dir = this.o.claims?.[v.name] ?? this.o.claims?.[v.persistentVolumeClaim.claimName] ?? '';
        if (!dir) throw new Error(`${this.name}: no claim directory for volume ${v.name}`);
        fs.mkdirSync(dir, { recursive: true });
        // fsGroup: the volume's group is fsGroup, group-writable, new files inherit the group (setgid).
        if (g !== undefined) {
          fs.chownSync(dir, 0, g);
          fs.chmodSync(dir, 0o2775);
        }
      } else {
        dir = path.join(this.dir, 'vol', v.name);
        fs.mkdirSync(dir, { recursive: true });
        if (v.emptyDir) {
          if (g !== undefined) fs.chownSync(dir, 0, g);
          fs.chmodSync(dir, g !== undefined ? 0o2777 : 0o777);
        } else if (v.configMap || v.secret) {
          const src = v.configMap
            ? this.o.configMaps?.[v.configMap.name]
            : this.o.secrets?.[v.secret.secretName];
          if (!src) throw new Error(`${this.name}: ${v.configMap ? 'ConfigMap' : 'Secret'} ${(v.configMap?.name ?? v.secret.secretName)} not provided`);
          const spec = v.configMap ?? v.secret;
          const mode = spec.defaultMode ?? 0o644;
          const items: Array<{ key: string; path: string; mode?: number }> = spec.items ?? Object.keys(src).map((k) => ({ key: k, path: k }));
          for (const it of items) {
            if (!(it.key in src)) throw new Error(`${this.name}: key ${it.key} missing from ${v.name}`);
            const f = path.join(dir, it.path);
            fs.mkdirSync(path.dirname(f), { recursive: true });
            fs.writeFileSync(f, src[it.key]);
            fs.chownSync(f, 0, g ?? 0);
            fs.chmodSync(f, it.mode ?? mode);
          }
          fs.chmodSync(dir, 0o755);
        } else if (v.projected) {
          // The kubelet writes every source into one directory, files root-owned with the fsGroup, mode defaultMode.
          const write = (file: string, text: string, mode?: number) => {
            const f = path.join(dir, file);
            fs.mkdirSync(path.dirname(f), { recursive: true });
            fs.writeFileSync(f, text);
            fs.chownSync(f, 0, g ?? 0);
            fs.chmodSync(f, mode ?? v.projected.defaultMode ?? 0o644);
          };
          for (const src of v.projected.sources ?? []) {
            if (src.serviceAccountToken) write(src.serviceAccountToken.path, tokens.get(`${v.name}/${src.serviceAccountToken.path}`)!);
            else if (src.configMap) {
              const cm = this.o.configMaps?.[src.configMap.name];
              if (!cm) throw new Error(`${this.name}: ConfigMap ${src.configMap.name} not provided (projected volume ${v.name})`);
              for (const it of src.configMap.items ?? Object.keys(cm).map((k) => ({ key: k, path: k }))) write(it.path, cm[it.key], it.mode);
            } else throw new Error(`${this.name}: projected volume ${v.name}: source ${Object.keys(src).join()} not supported by this harness`);
          }
          fs.chmodSync(dir, 0o755);
        } else {
          throw new Error(`${this.name}: volume ${v.name}: kind not supported by this harness`);
        }
      }
      this.volumeDirs.set(v.name, dir);
    }
  }

  /** The container's environment: the image's, then the spec's, in order, with $(VAR) expansion. */
  private imageOf(c: any): ImageProfile {
    return this.o.sidecarImages?.[c.name] ?? this.o.image;
  }

  private envOf(c: any): Record<string, string> {
    const image = this.imageOf(c);
    const env: Record<string, string> = { PATH: image.path, HOSTNAME: this.o.name, HOME: '/root', ...(image.env ?? {}), ...(this.o.api?.env ?? {}) };
    for (const e of c.env ?? []) {
      if (e.value !== undefined) env[e.name] = expand(e.value, env);
      else if (e.valueFrom?.fieldRef) {
        const f = e.valueFrom.fieldRef.fieldPath;
        const values: Record<string, string> = { 'metadata.name': this.o.name, 'metadata.namespace': this.o.namespace, 'status.podIP': this.o.ip, 'spec.nodeName': 'e2e-node' };
        if (!(f in values)) throw new Error(`${this.name}: fieldRef ${f} not supported by this harness`);
        env[e.name] = values[f];
      } else if (e.valueFrom?.secretKeyRef) {
        const s = this.o.secrets?.[e.valueFrom.secretKeyRef.name];
        if (!s || !(e.valueFrom.secretKeyRef.key in s)) throw new Error(`${this.name}: secret ${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key} not provided`);
        env[e.name] = s[e.valueFrom.secretKeyRef.key];
      } else {
        throw new Error(`${this.name}: env ${e.name}: source not supported by this harness`);
      }
    }
    return env;
  }

  /** The argv of a container: command/args of the spec (with $(VAR) expansion) or the image's. */
  private argvOf(c: any, env: Record<string, string>): string[] {
    const image = this.imageOf(c);
    const command: string[] = c.command ? c.command.map((s: string) => expand(s, env)) : (image.entrypoint ?? []);
    const args: string[] = c.args ? c.args.map((s: string) => expand(s, env)) : (c.command ? [] : (image.cmd ?? []));
    const argv = [...command, ...args];
    if (argv.length === 0) throw new Error(`${this.name}: container ${c.name} has nothing to run`);
    return argv;
  }

  /** The user a container runs as: runAsUser/runAsGroup of the container, else the pod's; fsGroup as a supplementary group. */
  private userOf(c: any): { uid: number; gid: number; groups: number[] } {
    const pod = this.o.spec.securityContext ?? {};
    const sc = c.securityContext ?? {};
    const uid = sc.runAsUser ?? pod.runAsUser;
    const gid = sc.runAsGroup ?? pod.runAsGroup ?? 0;
    if (uid === undefined) throw new Error(`${this.name}: container ${c.name} has no runAsUser (the harness never runs a container as root)`);
    return { uid, gid, groups: [...new Set([gid, ...(pod.fsGroup !== undefined ? [pod.fsGroup] : []), ...(pod.supplementalGroups ?? [])])] };
  }

  /** The setpriv + env prefix that drops to the container's user with the container's env. */
  private dropTo(user: { uid: number; gid: number; groups: number[] }, env: Record<string, string>): string[] {
    return [
      '/usr/bin/setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, `--groups=${user.groups.join(',')}`,
      '--no-new-privs', '--inh-caps=-all', '--bounding-set=-all', '--',
      '/usr/bin/env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
    ];
  }

  /** The shell script that builds the container's root filesystem in a private mount namespace and runs it. */
  private rootScript(c: any, argv: string[], env: Record<string, string>): string {
    const root = path.join(this.dir, `root-${c.name}`);
    fs.mkdirSync(root, { recursive: true });
    const img = this.imageOf(c);
    const lines: string[] = [
      'set -e',
      `R=${q(root)}`,
      'mount -t tmpfs -o size=32m,mode=755 rootfs "$R"',
      'mkdir -p "$R/usr" "$R/etc" "$R/dev" "$R/proc" "$R/tmp" "$R/run" "$R/var/run"',
      'mount --rbind /usr "$R/usr" && mount -o remount,bind,ro "$R/usr"',
      'ln -s usr/lib "$R/lib" && ln -s usr/lib64 "$R/lib64" && ln -s usr/sbin "$R/sbin"',
    ];
    if (img.busybox) {
      lines.push('mkdir "$R/bin" && touch "$R/bin/busybox" && mount --bind /usr/bin/busybox "$R/bin/busybox"',
        'for a in $(/usr/bin/busybox --list); do [ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"; done');
    } else {
      lines.push('ln -s usr/bin "$R/bin"');
    }
    for (const [p, host] of Object.entries(img.dirs ?? {})) {
      lines.push(`mkdir -p "$R"${q(p)} && mount --bind ${q(host)} "$R"${q(p)} && mount -o remount,bind,ro "$R"${q(p)}`);
    }
    for (const [p, target] of Object.entries(img.symlinks ?? {})) lines.push(`mkdir -p "$R"${q(path.dirname(p))} && ln -s ${q(target)} "$R"${q(p)}`);
    const files = Object.entries(img.files ?? {});
    if (files.some(([p]) => p.startsWith('/usr/local/bin/'))) lines.push('mount -t tmpfs -o size=1m,mode=755 localbin "$R/usr/local/bin"');
    for (const [p, host] of files) lines.push(`touch "$R"${q(p)} && mount --bind ${q(host)} "$R"${q(p)}`);
    const etc: Record<string, string> = {
      passwd: img.passwd.join('\n') + '\n',
      group: img.group.join('\n') + '\n',
      'nsswitch.conf': 'hosts: files dns\npasswd: files\ngroup: files\n',
      'resolv.conf': '',
      hostname: `${this.o.name}\n`,
    };
    for (const [f, text] of Object.entries(etc)) lines.push(`printf '%s' ${q(text)} > "$R/etc/${f}"`);
    lines.push(`touch "$R/etc/hosts" && mount --bind ${q(this.hostsFile)} "$R/etc/hosts"`);
    lines.push('for d in null zero full random urandom tty; do touch "$R/dev/$d" && mount --bind "/dev/$d" "$R/dev/$d"; done',
      'mkdir -p "$R/dev/shm" && ln -s /proc/self/fd "$R/dev/fd"',
      'mount -t proc proc "$R/proc"');
    for (const m of c.volumeMounts ?? []) {
      const dir = this.volumeDirs.get(m.name);
      if (!dir) throw new Error(`${this.name}: mount of unknown volume ${m.name}`);
      const src = m.subPath ? path.join(dir, m.subPath) : dir;
      lines.push(`mkdir -p "$R"${q(m.mountPath)} && mount --bind ${q(src)} "$R"${q(m.mountPath)}`);
      if (m.readOnly) lines.push(`mount -o remount,bind,ro "$R"${q(m.mountPath)}`);
    }
    if (c.securityContext?.readOnlyRootFilesystem) lines.push('mount -o remount,ro "$R"');
    lines.push(`hostname ${q(this.o.name)}`);
    const user = this.userOf(c);
    lines.push(`exec chroot "$R" ${[...this.dropTo(user, env), ...argv].map(q).join(' ')}`);
    return lines.join('\n') + '\n';
  }

  private async launch(c: any): Promise<Daemon> {
    const env = this.envOf(c);
    const argv = this.argvOf(c, env);
    const script = path.join(this.dir, `${c.name}.sh`);
    fs.writeFileSync(script, this.rootScript(c, argv, env), { mode: 0o700 });
    const ns = await this.netns;
    return startDaemon(`${this.name}/${c.name}`, 'ip', ['netns', 'exec', ns, 'unshare', '--mount', '--uts', '--propagation', 'private', '--', '/bin/sh', script],
      path.join(this.dir, `${c.name}.log`));
  }

  /** Runs a command inside the running main container (kubectl exec): its namespaces, root, user and env. */
  /**
   * A Secret or ConfigMap volume's files replaced, as the kubelet does when the object changes (each file renamed
   * over the old one, same owner and mode): what a process sees after cert-manager renews a certificate.
   */
  public updateVolumeFiles(volume: string, files: Record<string, string>): void {
    const dir = path.join(this.dir, 'vol', volume);
    for (const [name, text] of Object.entries(files)) {
      const f = path.join(dir, name);
      const st = fs.statSync(f);
      const tmp = `${f}.new`;
      fs.writeFileSync(tmp, text);
      fs.chownSync(tmp, st.uid, st.gid);
      fs.chmodSync(tmp, st.mode & 0o7777);
      fs.renameSync(tmp, f);
    }
  }

  public async exec(argv: string[], o: ExecOptions = {}): Promise<RunResult> {
    if (!this.main?.running) throw new Error(`${this.name} is not running`);
    const c = this.container();
    const user = o.uid !== undefined ? { uid: o.uid, gid: o.uid, groups: [o.uid] } : this.userOf(c);
    const env = { ...this.mainEnv, ...(o.env ?? {}) };
    return run('nsenter', ['-t', String(this.main.pid), '-m', '-u', '-n', '-r', '-w', '--', ...this.dropTo(user, env), ...argv],
      { timeoutMs: o.timeoutMs ?? 60_000, input: o.input });
  }

  /** Runs an exec probe of the main container (readiness by default): true when it exits 0 within timeoutSeconds. */
  public async probe(kind: 'readinessProbe' | 'livenessProbe' | 'startupProbe' = 'readinessProbe'): Promise<boolean> {
    const p = this.container()[kind];
    if (!p?.exec) throw new Error(`${this.name}: no exec ${kind}`);
    const r = await this.exec(p.exec.command, { timeoutMs: (p.timeoutSeconds ?? 1) * 1000 });
    return r.code === 0;
  }

  /**
   * Waits until the readiness probe passes, probing every periodSeconds after initialDelaySeconds, as the kubelet
   * does. Fails at once if the container exits, and after `timeoutMs`: by default what the pod's own startupProbe
   * grants before the kubelet would restart it (initialDelaySeconds + failureThreshold x periodSeconds, read from the
   * YAML: 15 minutes for Cassandra, whose start on a loaded machine beside other rings can pass 2 minutes), or 2
   * minutes without one.
   */
  public async waitReady(timeoutMs = this.startupBudgetMs()): Promise<number> {
    const p = this.container().readinessProbe;
    const started = Date.now();
    await sleep((p.initialDelaySeconds ?? 0) * 1000);
    for (;;) {
      if (!this.running) throw new Error(`${this.name} exited before it was Ready:\n${this.log().slice(-3000)}`);
      if (await this.probe()) return Date.now() - started;
      if (Date.now() - started > timeoutMs) throw new Error(`${this.name} not Ready after ${timeoutMs} ms:\n${this.log().slice(-3000)}`);
      await sleep((p.periodSeconds ?? 10) * 1000);
    }
  }

  /** What the main container's startupProbe allows before a restart, in ms (2 minutes without a startupProbe). */
  private startupBudgetMs(): number {
    const s = this.container().startupProbe;
    if (!s) return 120_000;
    return ((s.initialDelaySeconds ?? 0) + (s.failureThreshold ?? 3) * (s.periodSeconds ?? 10)) * 1000;
  }

  /**
   * Deletes the pod as the kubelet does: the preStop hook (if any), then the image's stop signal (SIGTERM by
   * default), SIGKILL when terminationGracePeriodSeconds is over; then its network namespace.
   */
  public async stop(): Promise<{ preStop?: RunResult; exitCode: number }> {
    if (this.stopped) return { exitCode: -1 };
    this.stopped = true;
    const grace = (this.o.spec.terminationGracePeriodSeconds ?? 30) * 1000;
    const started = Date.now();
    let preStop: RunResult | undefined;
    const hook = this.container().lifecycle?.preStop?.exec?.command;
    if (hook && this.main?.running) preStop = await this.exec(hook, { timeoutMs: grace });
    if (this.main?.running) {
      this.main.signal(this.o.image.stopSignal ?? 'SIGTERM');
      const left = Math.max(grace - (Date.now() - started), 1000);
      await Promise.race([this.main.done, sleep(left)]);
      if (this.main.running) this.main.signal('SIGKILL');
    }
    const exitCode = this.main ? await this.main.done : -1;
    await this.teardown();
    return { preStop, exitCode };
  }

  /** Kills the pod at once (a node failure), then removes its network namespace. */
  public async kill(): Promise<void> {
    this.stopped = true;
    this.main?.signal('SIGKILL');
    if (this.main) await this.main.done;
    await this.teardown();
  }

  private async teardown(): Promise<void> {
    this.o.dns.detach(this.hostsFile);
    await deleteNetns(await this.netns);
  }
}

/** Runs a pod's single (main) container to completion, as a Job's pod: returns its exit code. */
export async function runToCompletion(pod: Pod, timeoutMs = 300_000): Promise<number> {
  await pod.start();
  const started = Date.now();
  while (pod.running && Date.now() - started < timeoutMs) await sleep(200);
  if (pod.running) throw new Error(`${pod.name} still running after ${timeoutMs} ms`);
  const { exitCode } = await pod.stop();
  return exitCode;
}

/**
 * Runs a Job's pod as the Job controller does: a failed run is tried again, up to the Job's own `backoffLimit` more
 * times (read from the synthesized Job spec), each in a fresh pod. Returns the last exit code, how many runs it took
 * and the log of every failed run (a retry the Job absorbs is still reported, never hidden).
 */
export async function runJobToCompletion(jobSpec: { backoffLimit?: number }, newPod: (attempt: number) => Pod, timeoutMs = 300_000):
Promise<{ code: number; runs: number; failures: string[] }> {
  const failures: string[] = [];
  const limit = jobSpec.backoffLimit ?? 6;
  for (let attempt = 0; ; attempt++) {
    const pod = newPod(attempt);
    const code = await runToCompletion(pod, timeoutMs);
    if (code === 0 || attempt >= limit) return { code, runs: attempt + 1, failures };
    failures.push(pod.log());
    console.log(`${pod.name}: run ${attempt + 1} failed (exit ${code}), the Job retries (backoffLimit ${limit}):\n${pod.log()}`);
  }
}
