// How signOut(), destroy(), the first token's deferred announcement, subscribers and listeners
// meet: what separate changes to the core could not see of each other.
import { describe, expect, it, vi } from 'vitest';
import { AccessManager } from 'access-token-manager';
import { mintToken } from './support/tokens.js';
import { settle, useFakeTime } from './support/time.js';

useFakeTime();

describe(AccessManager, () => {
  describe('signOut() right after the constructor', () => {
    it('does not announce the forgotten first token as tokenUpdated', async () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      const updated = vi.fn();
      manager.on('tokenUpdated', updated);
      manager.signOut();
      await settle();
      expect(manager.token).toBeNull();
      expect(updated).not.toHaveBeenCalled();
      manager.destroy();
    });

    it('does not ask the provider for a first token', async () => {
      const tokenProvider = vi.fn(() => Promise.resolve(mintToken({ ttl: 3600 })));
      const manager = new AccessManager(null, { tokenProvider });
      manager.signOut();
      await settle();
      expect(tokenProvider).not.toHaveBeenCalled();
      expect(manager.getSnapshot().status).toBe('sessionEnded');
      manager.destroy();
    });
  });
});
