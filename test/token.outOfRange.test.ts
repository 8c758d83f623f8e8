// Issue #23 item 2: a token whose exp, iat or nbf no Date can hold (|ms| over 8.64e15) became an
// Invalid Date, and every comparison with NaN is false: decodeAccessToken refused it, but the
// manager held it (expires Invalid Date, isExpired false) and never asked for another. Every path
// now goes through the one check of src/token.ts, and refuses it for decodeAccessToken's reason.
import { describe, expect, it, vi } from 'vitest';
import {
  AccessManager,
  AccessTokenError,
  checkAccessTokenTimes,
  decodeAccessToken,
  type AccessTokenErrorReason,
} from 'access-token-manager';
import { inspectAccessToken } from 'access-token-manager/inspect';
import { tabSharing } from 'access-token-manager/tabs';
import { craftToken, goodPayload, mintToken } from './support/tokens.js';
import { fakeTabs } from './support/tabs.js';
import { SECOND, advance, fakeClock, settle, useFakeTime } from './support/time.js';

useFakeTime();

/** Claims out of every Date's range, and the reason decodeAccessToken gives for each, now. */
const OUT_OF_RANGE: [name: string, claims: Record<string, unknown>, reason: AccessTokenErrorReason][] = [
  ['exp of -1e13', { exp: -1e13 }, 'expired'],
  ['exp of -1e308', { exp: -1e308 }, 'expired'],
  ['exp of 1e308', { exp: 1e308 }, 'ttl-too-long'],
  ['iat of 1e13', { iat: 1e13 }, 'expired'],
  ['nbf of 1e13', { nbf: 1e13 }, 'not-yet-valid'],
  ['nbf of -1e13', { nbf: -1e13 }, 'invalid-expiry'],
  ['iat and exp past the year 275760', { iat: 8.64e12, exp: 8.64e12 + 3600 }, 'invalid-expiry'],
];

const tokenWith = (claims: Record<string, unknown>): string => craftToken(goodPayload(claims));

const reasonOf = (act: () => unknown): string => {
  try {
    act();
    return 'accepted';
  } catch (error) {
    return (error as AccessTokenError).reason;
  }
};

describe('times no Date can hold (issue #23, item 2)', () => {
  describe.each(OUT_OF_RANGE)('a token with an %s', (_name, claims, reason) => {
    it(`is refused by decodeAccessToken as ${reason}`, () => {
      expect(reasonOf(() => decodeAccessToken(tokenWith(claims)))).toBe(reason);
    });

    it('is refused by decodeAccessToken without a clock too (nowMs: false)', () => {
      expect(reasonOf(() => decodeAccessToken(tokenWith(claims), { nowMs: false }))).not.toBe('accepted');
    });

    it('is refused by updateToken with the same reason, and the token held stays', async () => {
      const held = mintToken();
      const manager = new AccessManager(held);
      const errors: string[] = [];
      manager.on('tokenError', (error) => errors.push(error.reason));

      const outcome = await manager.updateToken(tokenWith(claims)).then(
        () => 'accepted',
        (error: AccessTokenError) => error.reason,
      );

      expect(outcome).toBe(reason);
      expect(errors).toEqual([reason]);
      expect(manager.token).toBe(held);
      manager.destroy();
    });

    it('is refused by the constructor with the same reason', async () => {
      const manager = new AccessManager(tokenWith(claims));
      const errors: string[] = [];
      manager.on('tokenError', (error) => errors.push(error.reason));
      await settle();

      expect(errors).toEqual([reason]);
      expect(manager.token).toBeNull();
      manager.destroy();
    });

    it('is refused from a tokenProvider, which is asked again', async () => {
      const { clock } = fakeClock();
      const tokenProvider = vi.fn().mockReturnValueOnce(tokenWith(claims)).mockReturnValue(mintToken());
      const manager = new AccessManager(null, { clock, tokenProvider });
      const failures: string[] = [];
      manager.on('refreshFailed', (error) => failures.push(error.reason));
      manager.on('tokenError', () => {});

      await advance(2 * SECOND); // the first retry waits 0.5 to 1 s

      expect(failures).toEqual([reason]);
      expect(tokenProvider).toHaveBeenCalledTimes(2);
      expect(manager.expires?.getTime()).toBe(decodeAccessToken(manager.token).expires.getTime());
      manager.destroy();
    });

    it('is never adopted from another tab', async () => {
      fakeTabs();
      const manager = new AccessManager(null, { shareAcrossTabs: tabSharing('app') });
      const errors: string[] = [];
      manager.on('tokenError', (error) => errors.push(error.reason));
      const otherTab = new BroadcastChannel('access-token-manager:app');

      otherTab.postMessage({ type: 'token', token: tokenWith(claims), from: 'another-tab' });
      await settle();

      expect(manager.token).toBeNull();
      // Reported (or, as tab sharing may ignore junk quietly, not) with decodeAccessToken's reason.
      expect(errors.filter((reported) => reported !== reason)).toEqual([]);
      otherTab.close();
      manager.destroy();
    });

    it('is an error finding in inspectAccessToken', () => {
      const { status, findings } = inspectAccessToken(tokenWith(claims));

      expect(status).toBe('error');
      // The inspector names ttl-too-long's unit mistake (exp-in-ms) in its place.
      const named = reason === 'ttl-too-long' ? 'exp-in-ms' : reason;
      expect(findings).toContainEqual(expect.objectContaining({ reason: named, severity: 'error' }));
    });
  });

  it('names the claim and its value, in the words of invalid-expiry', () => {
    const error = new AccessTokenError('invalid-expiry', { field: 'nbf', actual: '-10000000000000' });

    expect(error.message).toContain('nbf must be a time in seconds; it is -10000000000000.');
  });

  it('refuses a decoded token whose dates are invalid in checkAccessTokenTimes', () => {
    const decoded = { ...decodeAccessToken(mintToken()), expires: new Date(Number.NaN) };

    expect(reasonOf(() => checkAccessTokenTimes(decoded, Date.now()))).toBe('invalid-argument');
  });

  it('accepts the farthest times a Date holds', () => {
    const { expires } = decodeAccessToken(tokenWith({ iat: 8.64e12 - 3600, exp: 8.64e12 }), { nowMs: false });

    expect(expires.toISOString()).toBe('+275760-09-13T00:00:00.000Z');
  });
});
