// Internal: what an image reference says (the tag, used as `app.kubernetes.io/version`).

/** The tag of an image reference, used as `app.kubernetes.io/version` (label-safe, at most 63 characters). */
export function imageVersion(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon <= slash) return undefined;
  const tag = withoutDigest.slice(colon + 1);
  return /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(tag) ? tag : undefined;
}
