import { describe, expect, it, vi } from 'vitest';
import { AccessManager, AccessTokenError } from 'access-token-manager';
import { mintToken } from './support/tokens.js';
import { HOUR, MINUTE, SECOND, advance, fakeClock, settle, useFakeTime } from './support/time.js';

useFakeTime();

describe(AccessManager, () => {
  describe('tokenProvider', () => {
    describe('refresh moments', () => {
      it('never lets the app see tokenExpired while an instant provider works, whatever aboutToExpireMs is', async () => {
        const { clock } = fakeClock();
        const manager = new AccessManager(null, {
          clock,
          aboutToExpireMs: 0,
          tokenProvider: () => mintToken(),
        });
        const expired = vi.fn();
        manager.on('tokenExpired', expired);

        await advance(3 * HOUR + MINUTE);

        expect(expired).not.toHaveBeenCalled();
        manager.destroy();
      });
    });

    describe('refresh()', () => {
      it('refresh() asks the provider now, even while a failed refresh waits to retry', async () => {
        const { clock } = fakeClock();
        let fail = true;
        const provider = vi.fn(() => {
          if (fail) throw new Error('503');
          return mintToken();
        });
        const manager = new AccessManager(null, {
          clock,
          tokenProvider: provider,
          retry: { baseDelayMs: 30 * SECOND, maxDelayMs: 30 * SECOND },
        });
        manager.on('refreshFailed', () => {});
        await settle();
        expect(provider).toHaveBeenCalledTimes(1);

        fail = false;
        const refreshed = manager.refresh();
        await settle();

        expect(provider).toHaveBeenCalledTimes(2);
        await advance(30 * SECOND);
        await refreshed;
        manager.destroy();
      });

      it('a manual refresh whose token is accepted is not re-fetched in a loop because a client is slow (default options)', async () => {
        const { clock } = fakeClock();
        // A slow but working token server (25 s, inside the 30 s limit) and a client that hangs
        // until its own 10 s limit.
        const provider = vi.fn(
          () => new Promise<string>((resolve) => setTimeout(() => resolve(mintToken()), 25 * SECOND)),
        );
        const manager = new AccessManager(mintToken(), { clock, tokenProvider: provider });
        manager.register({ updateToken: () => new Promise(() => {}) }, { name: 'voice' });
        manager.on('clientError', () => {});
        const failures: string[] = [];
        manager.on('refreshFailed', (error) => failures.push(error.reason));
        await advance(SECOND);

        let result: string | undefined;
        void manager.refresh().then((token) => (result = token));
        await advance(3 * MINUTE);

        expect(provider).toHaveBeenCalledTimes(1);
        expect(failures).toEqual([]);
        expect(result).toBe(manager.token);
        manager.destroy();
      });
    });

    describe('a provider that returns the token already held', () => {
      it('reports "unchanged" through refreshFailed only: never tokenError, the held token being good', async () => {
        const { clock } = fakeClock();
        const held = mintToken({ ttl: 3600 });
        const manager = new AccessManager(held, { clock, tokenProvider: () => held });
        const tokenErrors = vi.fn();
        manager.on('tokenError', tokenErrors);
        const failures: AccessTokenError[] = [];
        manager.on('refreshFailed', (error) => failures.push(error));

        await advance(HOUR - 2 * MINUTE);

        expect(failures.length).toBeGreaterThan(0);
        expect(failures.every((error) => error.reason === 'unchanged' && error.code === 20104)).toBe(true);
        expect(tokenErrors).not.toHaveBeenCalled();
        expect(manager.token).toBe(held);
        manager.destroy();
      });

      it('takes the same token again through updateToken as a no-op, not a refusal', async () => {
        const held = mintToken();
        const manager = new AccessManager(held);
        const tokenErrors = vi.fn();
        manager.on('tokenError', tokenErrors);

        await expect(manager.updateToken(held)).resolves.toBe(manager);

        expect(tokenErrors).not.toHaveBeenCalled();
      });
    });

    describe('destroy() from a refreshFailed listener', () => {
      it('leaves no timer behind and settles refresh() at once', async () => {
        const { clock } = fakeClock();
        const manager = new AccessManager(mintToken(), {
          clock,
          tokenProvider: () => Promise.reject(new Error('503')),
          retry: { baseDelayMs: 30 * SECOND, maxDelayMs: 30 * SECOND },
        });
        // An app that gives up after a failure.
        manager.on('refreshFailed', () => manager.destroy());
        let outcome: unknown;
        manager.refresh().catch((error) => (outcome = error));

        await settle();

        expect(vi.getTimerCount()).toBe(0);
        expect((outcome as AccessTokenError | undefined)?.reason).toBe('destroyed');
      });
    });
  });
});
