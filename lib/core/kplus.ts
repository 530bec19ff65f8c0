// Internal: cdk8s-plus-27 values made without loading cdk8s-plus-27 at runtime: it is a third of every synth's time
// (~130 ms), and only its types (and the values users pass in) are needed here.
import type * as kplus from 'cdk8s-plus-27';

/** A CPU amount like kplus.Cpu.millis/units would make ("100m", "2"). */
export function cpu(amount: string): kplus.Cpu {
  return { amount } as kplus.Cpu;
}

/** TCP */
export const TCP = 'TCP' as kplus.Protocol;

/** UDP */
export const UDP = 'UDP' as kplus.Protocol;

/** READ_WRITE_ONCE */
export const READ_WRITE_ONCE = 'ReadWriteOnce' as kplus.PersistentVolumeAccessMode;
