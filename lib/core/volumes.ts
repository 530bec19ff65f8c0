// Internal: pod volumes every system uses.
import { Size } from 'cdk8s';
import * as k8s from '../../imports/k8s';
import { quantity } from './resources';

/** An emptyDir volume (optionally memory-backed with a size limit). */
export function emptyDir(name: string, sizeLimit?: Size, memory = false): k8s.Volume {
  return {
    name,
    emptyDir: {
      ...(memory ? { medium: 'Memory' } : {}),
      ...(sizeLimit ? { sizeLimit: quantity(sizeLimit) } : {}),
    },
  };
}
