import { describe, expect, it } from 'vitest';
import { bindHostFor, LAN_BIND_HOST } from './lan-addresses.js';

// Which addresses other devices get is the engine's (shareableBaseUrls, via currentPairingUrls).
describe('bindHostFor', () => {
  it('binds every interface only when sharing', () => {
    expect(bindHostFor(true, '127.0.0.1')).toBe(LAN_BIND_HOST);
    expect(LAN_BIND_HOST).toBe('0.0.0.0');
    expect(bindHostFor(false, '127.0.0.1')).toBe('127.0.0.1');
  });
});
