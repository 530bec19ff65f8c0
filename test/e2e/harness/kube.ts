// A small Kubernetes REST client for observing the cluster (lists, watches, evictions). Everything a user would do
// (apply, diff, create job) goes through the real kubectl instead.
import * as https from 'https';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; generation?: number; deletionTimestamp?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: any };
  spec?: any;
  status?: any;
  [k: string]: any;
}

export interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: KubeObject;
}

export class KubeError extends Error {
  constructor(public readonly status: number, public readonly body: string, what: string) {
    super(`${what}: HTTP ${status}: ${body.slice(0, 500)}`);
  }
}

/** API path of a collection or object: core (`v1`) or grouped (`apps/v1`). */
export function apiPath(apiVersion: string, plural: string, namespace?: string, name?: string, sub?: string): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return `${base}${namespace ? `/namespaces/${namespace}` : ''}/${plural}${name ? `/${name}` : ''}${sub ? `/${sub}` : ''}`;
}

export class KubeClient {
  private readonly agent: https.Agent;

  constructor(private readonly server: URL, private readonly token: string, ca: string) {
    this.agent = new https.Agent({ ca, keepAlive: true, maxSockets: 8 });
  }

  public async request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<any> {
    const data = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request({
        host: this.server.hostname, port: this.server.port, path, method, agent: this.agent,
        headers: { 'Authorization': `Bearer ${this.token}`, 'Accept': 'application/json', ...(data ? { 'Content-Type': contentType } : {}) },
      }, (res) => {
        let text = '';
        res.setEncoding('utf-8');
        res.on('data', (d) => { text += d; });
        res.on('end', () => {
          if ((res.statusCode ?? 500) >= 300) reject(new KubeError(res.statusCode ?? 500, text, `${method} ${path}`));
          else {
            try {
              resolve(text && String(res.headers['content-type']).includes('json') ? JSON.parse(text) : text || undefined);
            } catch (e) {
              reject(e);
            }
          }
        });
      });
      req.on('error', reject);
      req.end(data);
    });
  }

  public get(path: string): Promise<any> {
    return this.request('GET', path);
  }

  /** The object, or undefined when it does not exist. */
  public async getOrUndefined(path: string): Promise<any> {
    try {
      return await this.get(path);
    } catch (e) {
      if (e instanceof KubeError && e.status === 404) return undefined;
      throw e;
    }
  }

  public async list(path: string, query = ''): Promise<KubeObject[]> {
    return (await this.get(`${path}${query ? `?${query}` : ''}`)).items;
  }

  public create(path: string, obj: unknown): Promise<any> {
    return this.request('POST', path, obj);
  }

  public patch(path: string, patch: unknown, type = 'application/merge-patch+json'): Promise<any> {
    return this.request('PATCH', path, patch, type);
  }

  public delete(path: string): Promise<any> {
    return this.request('DELETE', path);
  }

  /**
   * Watches `path` from `resourceVersion`, calling `onEvent` for every event until `stop()` is called. The stream is
   * re-opened (from the last resourceVersion seen) if the server closes it.
   */
  public watch(path: string, resourceVersion: string, onEvent: (e: WatchEvent) => void): { stop: () => void } {
    let stopped = false;
    let rv = resourceVersion;
    let current: ReturnType<typeof https.request> | undefined;
    const open = () => {
      if (stopped) return;
      const sep = path.includes('?') ? '&' : '?';
      current = https.request({
        host: this.server.hostname, port: this.server.port, agent: false,
        path: `${path}${sep}watch=1&allowWatchBookmarks=true&resourceVersion=${rv}`,
        headers: { Authorization: `Bearer ${this.token}`, Accept: 'application/json' },
        ca: (this.agent.options as https.AgentOptions).ca,
      }, (res) => {
        let buf = '';
        res.setEncoding('utf-8');
        res.on('data', (d) => {
          buf += d;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            if (!line.trim()) continue;
            const event = JSON.parse(line) as WatchEvent;
            if (event.object?.metadata?.resourceVersion) rv = event.object.metadata.resourceVersion;
            if (event.type !== 'BOOKMARK') onEvent(event);
          }
        });
        res.on('end', () => setTimeout(open, 100));
      });
      current.on('error', () => { if (!stopped) setTimeout(open, 200); });
      current.end();
    };
    open();
    return { stop: () => { stopped = true; current?.destroy(); } };
  }

  public close(): void {
    this.agent.destroy();
  }
}
