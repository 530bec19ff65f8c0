// Internal: probes: a shell snippet as an exec probe, and the probes of an exporter sidecar.
import * as k8s from '../../imports/k8s';

/** An exec probe handler running a shell snippet. */
export function shellProbe(script: string, timing: ProbeTiming): k8s.Probe {
  return { exec: { command: ['/bin/sh', '-ec', script] }, ...timing };
}

/** The timing fields of a probe. */
export interface ProbeTiming {
  readonly initialDelaySeconds?: number;
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
  readonly successThreshold?: number;
}

/**
 * Probes of an exporter sidecar: Ready once its HTTP server answers (`/`, which the exporters serve without asking
 * the database), alive while its port accepts connections. Neither depends on the database, so a database restart
 * never restarts the exporter, and the exporter never holds the pod's readiness for longer than its own start.
 */
export function exporterProbes(portName: string): { readinessProbe: k8s.Probe; livenessProbe: k8s.Probe } {
  const port = k8s.IntOrString.fromString(portName);
  return {
    readinessProbe: { httpGet: { path: '/', port }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    livenessProbe: { tcpSocket: { port }, initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
  };
}
