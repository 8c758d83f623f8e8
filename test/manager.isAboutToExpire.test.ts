import { describe, expect, it } from 'vitest';
import { AccessManager } from 'access-token-manager';
import { mintToken } from './support/tokens.js';
import { MINUTE, SECOND, advanceTo, mintAt, useFakeTime } from './support/time.js';

useFakeTime();

describe(AccessManager, () => {
  describe('isAboutToExpire', () => {
    it('is false without a token', () => {
      expect(new AccessManager().isAboutToExpire).toBe(false);
    });

    it('turns true when tokenAboutToExpire is due, and stays true once it has fired', () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }), { aboutToExpireMs: 5 * MINUTE });
      advanceTo(55 * MINUTE - SECOND);
      expect(manager.isAboutToExpire).toBe(false);
      advanceTo(55 * MINUTE);
      expect(manager.isAboutToExpire).toBe(true);
      advanceTo(61 * MINUTE);
      expect(manager.isAboutToExpire).toBe(true);
      manager.destroy();
    });

    it('tells a listener added after the event fired that it did', () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      advanceTo(58 * MINUTE); // tokenAboutToExpire fired at 57 min, before anyone listened
      expect(manager.isAboutToExpire).toBe(true);
      manager.destroy();
    });

    it('turns false again when a new token is accepted', async () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      advanceTo(58 * MINUTE);
      await manager.updateToken(mintAt(58 * MINUTE, { ttl: 3600 }));
      expect(manager.isAboutToExpire).toBe(false);
      manager.destroy();
    });

    it('reads a token that arrives with less than aboutToExpireMs left as about to expire at once', () => {
      const manager = new AccessManager(mintToken({ ttl: 120 }));
      expect(manager.isAboutToExpire).toBe(true);
      manager.destroy();
    });
  });
});
