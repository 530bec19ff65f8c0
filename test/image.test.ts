// One image reference parser (lib/core/image.ts) serves the version label, the plan's image rules and the check
// that images are pinned.
import { imageVersion, parseImageReference, tagVersion } from '../lib/core/image';

describe('parseImageReference', () => {
  test.each<[string, object]>([
    ['postgres:17.2', { repository: 'postgres', name: 'postgres', tag: '17.2' }],
    ['hashicorp/consul:1.20.2', { repository: 'hashicorp/consul', name: 'consul', tag: '1.20.2' }],
    ['registry.local:5000/team/app', { repository: 'registry.local:5000/team/app', name: 'app' }],
    ['registry.local:5000/team/app:1.0', { repository: 'registry.local:5000/team/app', name: 'app', tag: '1.0' }],
    [`cassandra@sha256:${'a'.repeat(64)}`, { repository: 'cassandra', name: 'cassandra', digest: `sha256:${'a'.repeat(64)}` }],
    [`quay.io/x/y:v1@sha256:${'b'.repeat(64)}`, { repository: 'quay.io/x/y', name: 'y', tag: 'v1', digest: `sha256:${'b'.repeat(64)}` }],
  ])('%s', (image, parts) => {
    expect(parseImageReference(image)).toEqual(parts);
  });

  test('anything but a string has no parts', () => {
    expect(parseImageReference(undefined)).toBeUndefined();
    expect(parseImageReference(42)).toBeUndefined();
  });
});

test('imageVersion: the tag when it is a label value, else nothing', () => {
  expect(imageVersion('postgres:17.2')).toBe('17.2');
  expect(imageVersion('registry.local:5000/app')).toBeUndefined();
  expect(imageVersion(`app:${'x'.repeat(64)}`)).toBeUndefined();
  expect(imageVersion('app:-bad')).toBeUndefined();
});

test('tagVersion: the leading version numbers of a tag', () => {
  expect(tagVersion('17.2-alpine')).toEqual([17, 2]);
  expect(tagVersion('v0.17.1')).toEqual([0, 17, 1]);
  expect(tagVersion('latest')).toBeUndefined();
  expect(tagVersion(undefined)).toBeUndefined();
});
