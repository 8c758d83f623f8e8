// The manager is a Svelte store as it is: svelte/store's get() and derived() take it, so `$manager`
// works in a component without any adapter.
import { describe, expect, it } from 'vitest';
import { derived, get } from 'svelte/store';
import { AccessManager } from 'access-token-manager';
import { mintToken } from './support/tokens.js';
import { MINUTE, advance, mintAt, useFakeTime } from './support/time.js';

useFakeTime();

describe(AccessManager, () => {
  describe('as a Svelte store (svelte/store)', () => {
    it('get(manager) reads the snapshot', () => {
      const token = mintToken();
      const manager = new AccessManager(token);
      expect(get(manager)).toBe(manager.getSnapshot());
      expect(get(manager)).toMatchObject({ status: 'valid', token, identity: 'alice' });
      manager.destroy();
    });

    it('derived(manager, …) follows every change, and unsubscribes when its last subscriber leaves', async () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      const status = derived(manager, ($token) => $token.status);
      const seen: string[] = [];
      const stop = status.subscribe((value) => seen.push(value));
      await advance(57 * MINUTE);
      await manager.updateToken(mintAt(57 * MINUTE));
      manager.signOut();
      expect(seen).toEqual(['valid', 'aboutToExpire', 'valid', 'sessionEnded']);
      stop();
      await manager.updateToken(mintAt(58 * MINUTE));
      expect(seen).toHaveLength(4);
      expect(get(status)).toBe('valid');
      manager.destroy();
    });
  });
});
