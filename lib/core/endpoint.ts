// Where clients reach a system: one small value, the same for every system (as aws-rds' Endpoint).

/** A DNS name and a port clients connect to. */
export class Endpoint {
  /** The DNS name, fully qualified (`<service>.<namespace>.svc.<clusterDomain>`): resolvable from any namespace. */
  public readonly hostname: string;
  /** The TCP port. */
  public readonly port: number;
  /** `hostname:port`, what a client library's address setting takes. */
  public readonly socketAddress: string;

  /**
   * @param hostname the DNS name
   * @param port the TCP port
   */
  constructor(hostname: string, port: number) {
    this.hostname = hostname;
    this.port = port;
    this.socketAddress = `${hostname}:${port}`;
  }
}
