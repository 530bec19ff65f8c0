// The sealed-secrets encryption, byte-compatible with kubeseal and the controller: a random AES-256-GCM session key per
// value, sealed with the controller's RSA public key (RSA-OAEP SHA-256, the scope as OAEP label). Internal helpers,
// exported for tests and the kubeseal compatibility check (scripts/kubeseal-check.sh).
import * as crypto from 'node:crypto';

/** Size of the single-use AES-256 session key, in bytes (sealed-secrets `sessionKeyBytes`). */
const SESSION_KEY_BYTES = 32;

/** AES-GCM standard nonce size; the nonce is all zeroes because each session key encrypts exactly one value. */
const GCM_NONCE_BYTES = 12;

/** AES-GCM authentication tag size; Go's `aead.Seal` appends it to the ciphertext. */
const GCM_TAG_BYTES = 16;

/** Size of the big-endian length prefix of the RSA ciphertext. */
const LENGTH_PREFIX_BYTES = 2;

/**
 * Extracts the RSA public key of a PEM-encoded X.509 certificate, such as the one printed by `kubeseal --fetch-cert`.
 *
 * Internal helper, exported for tests.
 *
 * @throws Error when the text is not a PEM X.509 certificate or its key is not an RSA key.
 */
export function publicKeyFromCertificate(pem: string): crypto.KeyObject {
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error('sealing certificate must be a PEM-encoded X.509 certificate ("-----BEGIN CERTIFICATE-----", from kubeseal --fetch-cert)');
  }
  let certificate: crypto.X509Certificate;
  try {
    certificate = new crypto.X509Certificate(pem);
  } catch (e) {
    throw new Error(`sealing certificate is not a valid PEM-encoded X.509 certificate: ${(e as Error).message}`);
  }
  const publicKey = certificate.publicKey;
  if (publicKey.asymmetricKeyType !== 'rsa') {
    throw new Error(`sealing certificate must carry an RSA public key; got ${publicKey.asymmetricKeyType ?? 'unknown'} key`);
  }
  // RSA-OAEP-SHA256 of a 32-byte session key needs at least 784 bits; the controller makes 4096-bit keys, and anything
  // under 2048 bits is too weak to seal a secret anyway.
  const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) throw new Error(`sealing certificate must carry an RSA key of at least 2048 bits (the controller's are 4096); got ${bits} bits`);
  return publicKey;
}

/**
 * Seals one value the way sealed-secrets' `crypto.HybridEncrypt` does, so the controller (and
 * `kubeseal --recovery-unseal`) can open it:
 *
 * - a random 32-byte AES-256 session key encrypts `plaintext` with AES-GCM, zero nonce, no additional data;
 * - the session key is encrypted with RSA-OAEP (SHA-256, MGF1-SHA-256) using `label` as the OAEP label;
 * - the output is `uint16be(len(rsaCiphertext)) || rsaCiphertext || aesCiphertext || gcmTag`.
 *
 * Randomized: two calls never return the same bytes.
 *
 * Internal helper, exported for tests.
 */
export function hybridEncrypt(publicKey: crypto.KeyObject, plaintext: Buffer, label: Buffer): Buffer {
  const sessionKey = crypto.randomBytes(SESSION_KEY_BYTES);
  try {
    const rsaCiphertext = crypto.publicEncrypt({
      key: publicKey,
      padding: crypto.constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: 'sha256',
      oaepLabel: label,
    }, sessionKey);
    if (rsaCiphertext.length > 0xffff) {
      throw new Error(`RSA ciphertext of ${rsaCiphertext.length} bytes does not fit the 2-byte length prefix`);
    }
    const prefix = Buffer.alloc(LENGTH_PREFIX_BYTES);
    prefix.writeUInt16BE(rsaCiphertext.length, 0);

    // The session key is used exactly once, so a zero nonce is safe (as in sealed-secrets).
    const cipher = crypto.createCipheriv('aes-256-gcm', sessionKey, Buffer.alloc(GCM_NONCE_BYTES), { authTagLength: GCM_TAG_BYTES });
    const aesCiphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([prefix, rsaCiphertext, aesCiphertext, cipher.getAuthTag()]);
  } finally {
    sessionKey.fill(0);
  }
}

/**
 * Opens a value sealed by {@link hybridEncrypt} (or by kubeseal) with the controller's private key,
 * the inverse of sealed-secrets' `crypto.HybridDecrypt`.
 *
 * Internal helper, exported for tests.
 *
 * @throws Error when the data is truncated, the label differs from the one used to seal, or the data was tampered with.
 */
export function hybridDecrypt(privateKey: crypto.KeyObject, ciphertext: Buffer, label: Buffer): Buffer {
  if (ciphertext.length < LENGTH_PREFIX_BYTES) {
    throw new Error('sealed data is too short');
  }
  const rsaLength = ciphertext.readUInt16BE(0);
  if (ciphertext.length < LENGTH_PREFIX_BYTES + rsaLength + GCM_TAG_BYTES) {
    throw new Error('sealed data is too short');
  }
  const rsaCiphertext = ciphertext.subarray(LENGTH_PREFIX_BYTES, LENGTH_PREFIX_BYTES + rsaLength);
  const aesPart = ciphertext.subarray(LENGTH_PREFIX_BYTES + rsaLength);
  const sessionKey = crypto.privateDecrypt({
    key: privateKey,
    padding: crypto.constants.RSA_PKCS1_OAEP_PADDING,
    oaepHash: 'sha256',
    oaepLabel: label,
  }, rsaCiphertext);
  try {
    if (sessionKey.length !== SESSION_KEY_BYTES) {
      throw new Error(`sealed session key has ${sessionKey.length} bytes; expected ${SESSION_KEY_BYTES}`);
    }
    const decipher = crypto.createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(GCM_NONCE_BYTES), { authTagLength: GCM_TAG_BYTES });
    decipher.setAuthTag(aesPart.subarray(aesPart.length - GCM_TAG_BYTES));
    return Buffer.concat([decipher.update(aesPart.subarray(0, aesPart.length - GCM_TAG_BYTES)), decipher.final()]);
  } finally {
    sessionKey.fill(0);
  }
}
