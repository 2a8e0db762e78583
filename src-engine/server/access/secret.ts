import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A new random secret, URL-safe (base64url, no padding). 32 bytes (256 bits) for long-lived
 * tokens; pairing codes use 16 (128 bits): both are far beyond guessing, even without the
 * failure limiter.
 */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * SHA-256 of a secret, hex. Secrets are stored and looked up by hash: a leaked devices file gives
 * no usable token, and a lookup's timing says nothing useful about the secret itself. A fast hash
 * is enough because the secrets are random, not passwords.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares two secrets in time that does not depend on where they differ. */
export function sameSecret(candidate: string, expected: string): boolean {
  // Hashing first gives equal-length inputs, which timingSafeEqual needs, without leaking length.
  return timingSafeEqual(createHash('sha256').update(candidate).digest(), createHash('sha256').update(expected).digest());
}
