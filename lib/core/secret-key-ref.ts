// A key of an existing Secret: what the systems read tokens and keys from (never from a value in the props).

/** A key of an existing Secret. */
export interface SecretKeyRef {
  /** Name of the Secret, in the construct's namespace. */
  readonly secretName: string;
  /** Key inside the Secret. */
  readonly key: string;
}
