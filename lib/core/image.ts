// What a container image reference says: one parser for the library (the version label at synth, the plan's image
// rules, the pinned-image check of the props).

/** An image reference, `[registry[:port]/]path/name[:tag][@digest]`, in its parts. */
export interface ImageReference {
  /** Everything before the tag and digest: registry, path and name (`quay.io/prometheuscommunity/postgres-exporter`). */
  readonly repository: string;
  /** The last path component (`postgres-exporter`). */
  readonly name: string;
  /** The tag, when there is one (`v0.17.1`). */
  readonly tag?: string;
  /** The digest, when there is one (`sha256:...`). */
  readonly digest?: string;
}

/**
 * The parts of an image reference, read leniently (any string: the plan reads images of manifests it did not write);
 * undefined for anything but a string. The tag is what follows the last `:` after the last `/`.
 */
export function parseImageReference(image: unknown): ImageReference | undefined {
  if (typeof image !== 'string') return undefined;
  const at = image.indexOf('@');
  const noDigest = at < 0 ? image : image.slice(0, at);
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  const hasTag = colon > slash;
  const repository = hasTag ? noDigest.slice(0, colon) : noDigest;
  return {
    repository,
    name: repository.slice(repository.lastIndexOf('/') + 1),
    ...(hasTag ? { tag: noDigest.slice(colon + 1) } : {}),
    ...(at < 0 ? {} : { digest: image.slice(at + 1) }),
  };
}

/** A label value: what `app.kubernetes.io/version` may hold. */
const LABEL_SAFE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** The tag of an image reference, used as `app.kubernetes.io/version` (label-safe, at most 63 characters). */
export function imageVersion(image: string): string | undefined {
  const tag = parseImageReference(image)?.tag;
  return tag !== undefined && LABEL_SAFE.test(tag) ? tag : undefined;
}

/** Leading numeric version of a tag: `17.2-alpine` -> [17, 2]; undefined for `latest`. */
export function tagVersion(tag: string | undefined): number[] | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(tag ?? '');
  return m ? [m[1], m[2], m[3]].filter((x) => x !== undefined).map(Number) : undefined;
}
