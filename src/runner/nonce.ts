/**
 * A fresh random nonce: 16 bytes from the platform's cryptographic generator, as hex.
 * Used where guessing it would let code under test pass for the page (a sandbox's
 * script nonce, a test harness's marker).
 */
export function randomNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, byte => byte.toString(16).padStart(2, '0')).join('');
}
