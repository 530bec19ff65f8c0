export * from './stateful-cluster';
export { RunAsUser } from './common';
export { PropValidationError } from './validation';
export * from './ingress';
export * from './consul';
export { SealedSecret, SealedSecretProps, SealedSecretScope } from './sealed-secret';
export * from './postgres';
export * from './squash';
export * from './cassandra';
