// A registered SDK whose server refuses the token (host.rejected), and SDK words that come late:
// the plainest case of each, on the fake clock.
import { describe, expect, it, vi } from 'vitest';
import { AccessManager, AccessTokenError, type TokenProviderContext } from 'access-token-manager';
import { hostedClient, nextToken } from './support/clients.js';
import { HOUR, MINUTE, SECOND, advance, fakeClock, settle, useFakeTime } from './support/time.js';
import { mintToken } from './support/tokens.js';

useFakeTime();

const next = nextToken;

/** A manager with a provider that mints a new token, and the logs the tests read. */
function withProvider(options: ConstructorParameters<typeof AccessManager>[1] = {}) {
  let minted = 0;
  // Each differs from the last even within one second (two tokens minted in one second are equal).
  const provider = vi.fn(async (_context: TokenProviderContext) => mintToken({ ttl: 3600 + ++minted }));
  const manager = new AccessManager(mintToken(), { tokenProvider: provider, ...options });
  const tokenErrors: AccessTokenError[] = [];
  const refreshFailed: AccessTokenError[] = [];
  manager.on('tokenError', (error) => void tokenErrors.push(error));
  manager.on('refreshFailed', (error) => void refreshFailed.push(error));
  return { manager, provider, tokenErrors, refreshFailed };
}

describe(AccessManager, () => {
  describe('an SDK refusing the current token (host.rejected)', () => {
    it('with a provider: one tokenError, then one provider call (reason rejected) within a second', async () => {
      const { manager, provider, tokenErrors } = withProvider();
      const { client, state } = hostedClient();
      manager.register(client);
      const refused = manager.token;
      const cause = Object.assign(new Error('AccessTokenExpired'), { code: 20104 });

      state.host!.rejected(cause);
      await advance(SECOND);

      expect(
        tokenErrors.map((e) => [e.reason, e.code, e.facts.sdkCode, e.facts.platformReason, e.cause]),
      ).toEqual([['client-rejected', 20104, 20104, 'expired', cause]]);
      expect(provider.mock.calls.map(([context]) => context.reason)).toEqual(['rejected']);
      expect(manager.token).not.toBe(refused);
      expect(client.tokens).toEqual([manager.token]);
    });

    it('without a provider: the tokenError alone; the token held is kept', async () => {
      const manager = new AccessManager(mintToken());
      const tokenErrors: AccessTokenError[] = [];
      manager.on('tokenError', (error) => void tokenErrors.push(error));
      const { client, state } = hostedClient();
      manager.register(client);
      const held = manager.token;

      state.host!.rejected(new Error('denied'));
      await advance(HOUR / 2);

      expect(tokenErrors.map((e) => e.reason)).toEqual(['client-rejected']);
      expect(manager.token).toBe(held);
      expect(manager.isAboutToExpire).toBe(false);
    });

    it('three clients refusing at once: one provider call, one report each', async () => {
      const { manager, provider, tokenErrors } = withProvider();
      const clients = [hostedClient(), hostedClient(), hostedClient()];
      for (const { client } of clients) manager.register(client);

      for (const { state } of clients) state.host!.rejected(new Error('denied'));
      for (const { state } of clients) state.host!.rejected(new Error('denied, said again'));
      await advance(SECOND);

      expect(provider).toHaveBeenCalledTimes(1);
      expect(tokenErrors).toHaveLength(3);
      for (const { client } of clients) expect(client.tokens).toEqual([manager.token]);
    });

    it('a provider that returns the refused token again: unchanged, and retried', async () => {
      const { manager, provider, refreshFailed } = withProvider();
      const refused = manager.token!;
      provider.mockImplementationOnce(async () => refused);
      const { client, state } = hostedClient();
      manager.register(client);

      state.host!.rejected(new Error('denied'));
      await advance(5 * SECOND);

      expect(refreshFailed.map((e) => e.reason)).toEqual(['unchanged']);
      expect(provider).toHaveBeenCalledTimes(2);
      expect(manager.token).not.toBe(refused);
    });

    it('is ignored from a client that was never handed the current token (it lacks its grant)', async () => {
      const { manager, provider, tokenErrors } = withProvider();
      manager.on('clientError', () => {});
      const { client, state } = hostedClient({ requires: 'voice' });
      manager.register(client);
      await manager.updateToken(next({ grants: ['chat'] }));

      state.host!.rejected(new Error('its own, older token'));
      await advance(MINUTE);

      expect(tokenErrors).toEqual([]);
      expect(provider).not.toHaveBeenCalled();
    });

    it('a server refusing every token: at most 10 provider calls in 5 minutes, 30 an hour after that', async () => {
      const { manager, provider } = withProvider();
      const { client, state } = hostedClient();
      client.updateToken.mockImplementation(
        () => void setTimeout(() => state.host?.rejected(new Error('denied')), 100),
      );
      manager.register(client);

      state.host!.rejected(new Error('denied'));
      await advance(5 * MINUTE);
      const inFiveMinutes = provider.mock.calls.length;
      await advance(HOUR);
      const inTheNextHour = provider.mock.calls.length - inFiveMinutes;

      expect(inFiveMinutes).toBeGreaterThan(3); // it does try
      expect(inFiveMinutes).toBeLessThanOrEqual(10);
      expect(inTheNextHour).toBeLessThanOrEqual(30);
      expect(new Set(provider.mock.calls.map(([context]) => context.reason))).toEqual(new Set(['rejected']));
    });

    it('a token that lives to its refresh unrefused ends the run of refusals: the next one waits a second at most', async () => {
      const { manager, provider } = withProvider();
      const { client, state } = hostedClient();
      manager.register(client);
      for (let i = 0; i < 6; i++) {
        state.host!.rejected(new Error('denied'));
        await advance(2 * MINUTE);
      }
      const calls = provider.mock.calls.length;
      await advance(HOUR); // the last token is refreshed when due, unrefused
      expect(provider.mock.calls.at(-1)?.[0].reason).toBe('about-to-expire');

      state.host!.rejected(new Error('denied'));
      await advance(SECOND);

      expect(provider.mock.calls.length).toBe(calls + 2);
    });

    it('a wake does not cut the backoff of a refusal short', async () => {
      const { clock, wake } = fakeClock();
      const { manager, provider } = withProvider({ clock });
      const { client, state } = hostedClient();
      client.updateToken.mockImplementation(
        () => void setTimeout(() => state.host?.rejected(new Error('denied')), 100),
      );
      manager.register(client);
      state.host!.rejected(new Error('denied'));
      await advance(5 * MINUTE);
      const calls = provider.mock.calls.length;

      for (let i = 0; i < 50; i++) {
        wake();
        await advance(SECOND);
      }

      expect(provider.mock.calls.length).toBeLessThanOrEqual(calls + 1);
    });
  });

  describe('a refusal waiting its backoff', () => {
    it('ends at once when the app calls refresh()', async () => {
      const { manager, provider } = withProvider();
      const { client, state } = hostedClient();
      client.updateToken.mockImplementation(
        () => void setTimeout(() => state.host?.rejected(new Error('denied')), 100),
      );
      manager.register(client);
      state.host!.rejected(new Error('denied'));
      await advance(5 * MINUTE); // ramped: the next call waits 2 to 4 minutes
      const calls = provider.mock.calls.length;

      const refreshed = manager.refresh();
      await advance(SECOND);

      expect(provider.mock.calls.length).toBe(calls + 1);
      await expect(refreshed).resolves.toBe(manager.token);
    });

    it('ends with destroy(), leaving no timer', async () => {
      const { clock, timers } = fakeClock();
      const { manager, provider } = withProvider({ clock });
      const { client, state } = hostedClient();
      manager.register(client);
      state.host!.rejected(new Error('denied'));

      manager.destroy();
      await advance(HOUR);

      expect(provider).not.toHaveBeenCalled();
      expect(timers.size).toBe(0);
    });
  });

  describe("an SDK's word about a token already replaced", () => {
    it('a warning that finds the current token with more than aboutToExpireMs plus a minute left is ignored', async () => {
      const { manager, provider } = withProvider();
      const { client, state } = hostedClient();
      manager.register(client);
      const warned = vi.fn();
      manager.on('tokenAboutToExpire', warned);

      vi.setSystemTime(manager.expires!.getTime() - 4 * MINUTE - SECOND);
      state.host!.aboutToExpire();
      await settle();
      expect([warned.mock.calls.length, provider.mock.calls.length]).toEqual([0, 0]);

      vi.setSystemTime(manager.expires!.getTime() - 4 * MINUTE);
      state.host!.aboutToExpire();
      await settle();
      expect([warned.mock.calls.length, provider.mock.calls.length]).toEqual([1, 1]);
    });

    it('an expired word that finds the current token with more than a minute left is ignored', async () => {
      const manager = new AccessManager(mintToken());
      const { client, state } = hostedClient();
      manager.register(client);
      const expired = vi.fn();
      manager.on('tokenExpired', expired);

      vi.setSystemTime(manager.expires!.getTime() - MINUTE - SECOND);
      state.host!.expired();
      expect(expired).not.toHaveBeenCalled();

      vi.setSystemTime(manager.expires!.getTime() - MINUTE);
      state.host!.expired();
      expect(expired).toHaveBeenCalledTimes(1);
    });

    it('whatever the delay: a warning about the token before, a day late, starts nothing', async () => {
      const { manager, provider } = withProvider({ aboutToExpireMs: 3 * MINUTE });
      const { client, state } = hostedClient();
      manager.register(client);
      await manager.updateToken(mintToken({ ttl: 24 * 3600 }));
      await advance(23 * HOUR);

      state.host!.aboutToExpire(); // the first token's server timer, 23 hours late

      await settle();
      expect(provider).not.toHaveBeenCalled();
    });
  });
});
