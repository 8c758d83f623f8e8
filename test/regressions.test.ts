// Regressions found in review: each test pins a behaviour the issues or the README require,
// which an earlier version of the code missed.
import { describe, expect, it, vi } from 'vitest';
import { AccessManager, AccessTokenError, decodeAccessToken } from 'access-manager';
import { tabSharing } from 'access-manager/tabs';
import { inspectAccessToken } from 'access-manager/inspect';
import { craftToken, goodPayload, GOOD_HEADER, mintToken } from './support/tokens.js';
import { fakeTabs } from './support/tabs.js';
import { HOUR, MINUTE, SECOND, advance, fakeClock, mintAt, settle, useFakeTime } from './support/time.js';

useFakeTime();

describe('events: re-entrant updates', () => {
  it('calls a once listener only once, even when an earlier listener updates the token again', async () => {
    const manager = new AccessManager(mintToken());
    const newer = mintAt(2 * SECOND);
    manager.on('tokenUpdated', () => {
      if (manager.token !== newer) manager.updateToken(newer).catch(() => {});
    });
    const once = vi.fn();
    manager.once('tokenUpdated', once);

    await manager.updateToken(mintAt(SECOND)).catch(() => {});
    await settle();

    expect(once).toHaveBeenCalledTimes(1);
  });
});

describe('clients: re-entrant updates', () => {
  it('does not hand the current token to a client registered in a tokenUpdated listener (README example)', async () => {
    // README: "A client is not handed the current token when it registers (it was created with it)",
    // and its example creates and registers the SDK clients in once('tokenUpdated').
    const manager = new AccessManager();
    const created: string[] = [];
    const updated: string[] = [];
    manager.once('tokenUpdated', ({ token }) => {
      created.push(token!);
      manager.register({ updateToken: (t: string) => void updated.push(t) }, { name: 'conversations' });
    });

    await manager.updateToken(mintToken());

    expect(created).toHaveLength(1);
    expect(updated).toEqual([]);
  });

  it('resolves updateToken only once every client has settled, even when a tokenUpdated listener updates again', async () => {
    const manager = new AccessManager(mintToken());
    const newer = mintAt(2 * SECOND);
    let release = () => {};
    manager.register({ updateToken: () => new Promise<void>((resolve) => (release = resolve)) });
    manager.on('tokenUpdated', () => {
      if (manager.token !== newer) manager.updateToken(newer).catch(() => {});
    });
    let resolved = false;

    const updating = manager.updateToken(mintAt(SECOND)).then(() => (resolved = true));
    await settle();

    expect(resolved).toBe(false); // the client has not taken any token yet
    release();
    await updating;
  });

  it('never leaves a client with an older token when a clientError listener updates the token', async () => {
    const manager = new AccessManager(mintToken({ grants: ['chat', 'voice'] }));
    const withoutVoice = mintAt(SECOND, { grants: ['chat'] });
    const withVoice = mintAt(2 * SECOND, { grants: ['chat', 'voice'] });
    const voice = { updateToken: vi.fn() };
    const chat: string[] = [];
    manager.register(voice, { requires: 'voice', name: 'voice' });
    manager.register({ updateToken: (t: string) => void chat.push(t) }, { name: 'chat' });
    // The app answers a missing grant with the token it holds in reserve.
    manager.on('clientError', (error) => {
      if (error.reason === 'client-missing-grant') manager.updateToken(withVoice).catch(() => {});
    });

    await manager.updateToken(withoutVoice);
    await settle();

    expect(manager.token).toBe(withVoice);
    expect(chat.at(-1)).toBe(withVoice);
  });
});

describe('tokenProvider: refresh moments', () => {
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
});

describe('shareAcrossTabs', () => {
  it('never calls the provider after destroy(), even while the new tab waits for its peers', async () => {
    fakeTabs();
    const { clock } = fakeClock();
    const provider = vi.fn(() => mintToken());
    const manager = new AccessManager(null, {
      clock,
      tokenProvider: provider,
      shareAcrossTabs: tabSharing('app:alice'),
    });
    await settle(); // the first refresh has the lock, and asks the other tabs for their token

    manager.destroy();
    await advance(SECOND);

    expect(provider).not.toHaveBeenCalled();
  });

  it("adopts a newer token of the same user from another tab, but never another user's", async () => {
    fakeTabs();
    const alice = new AccessManager(mintToken({ identity: 'alice' }), { shareAcrossTabs: tabSharing('app') });
    const bob = new AccessManager(mintToken({ identity: 'bob' }), { shareAcrossTabs: tabSharing('app') });
    const bobErrors: AccessTokenError[] = [];
    bob.on('tokenError', (error) => bobErrors.push(error));
    await advance(MINUTE);
    const aliceLater = mintToken({ identity: 'alice' });
    const provider = vi.fn(() => aliceLater);
    const aliceTab2 = new AccessManager(mintAt(-MINUTE, { identity: 'alice' }), {
      shareAcrossTabs: tabSharing('app'),
      tokenProvider: provider,
    });

    await aliceTab2.refresh();
    await settle();

    expect(alice.token).toBe(aliceLater);
    expect(bob.identity).toBe('bob');
    expect(bobErrors).toEqual([]);
    for (const manager of [alice, bob, aliceTab2]) manager.destroy();
  });
});

describe('inspect: wording shared with the core', () => {
  it.each([
    ['an object with a token field', () => ({ token: mintToken() }), 'not-a-string'],
    ['an empty string', () => '', 'empty'],
    ['a string that is no JWT', () => 'not a token', 'malformed'],
    ['an expired token', () => mintAt(-2 * HOUR), 'expired'],
  ])('says where to act (server or client) for %s', (_name, input, reason) => {
    // Issue 4: "each remedy says what to change and where (server or client)".
    const found = inspectAccessToken(input()).findings.find((f) => f.reason === reason);

    expect(found?.remedy).toMatch(/token server|client code/i);
  });

  it('reports a header value of the wrong type once, in the words of the core', () => {
    const token = craftToken(goodPayload(), { ...GOOD_HEADER, alg: 256 });
    let coreMessage = '';
    try {
      decodeAccessToken(token);
    } catch (error) {
      coreMessage = (error as AccessTokenError).message;
    }

    const headerFindings = inspectAccessToken(token).findings.filter((f) => f.reason === 'invalid-header');

    expect(coreMessage).toContain('a number');
    expect(headerFindings.map((f) => `${f.message} ${f.remedy}`)).toEqual([coreMessage]);
  });
});

describe('shareAcrossTabs while the token server fails', () => {
  it('calls a failing provider far less than once per tab per round', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5); // the same backoff in every tab: the worst case
    const countCalls = async (tabs: number) => {
      fakeTabs();
      const provider = vi.fn(() => Promise.reject(new Error('503 from the token server')));
      const managers = Array.from(
        { length: tabs },
        () => new AccessManager(null, { tokenProvider: provider, shareAcrossTabs: tabSharing('app:alice') }),
      );
      await advance(2 * MINUTE);
      for (const manager of managers) manager.destroy();
      vi.unstubAllGlobals();
      return provider.mock.calls.length;
    };
    const oneTab = await countCalls(1);
    const threeTabs = await countCalls(3);
    expect(oneTab).toBeGreaterThan(3);
    // Without sharing the failure, three tabs make three times the calls of one. With it, the
    // other tabs wait for the failing tab's retry, but call their own provider after a few
    // rounds in a row, so that a tab whose provider fails for its own reasons never starves them.
    expect(threeTabs).toBeLessThan(1.5 * oneTab);
  });

  it('still ends with every tab holding the token once the server recovers', async () => {
    fakeTabs();
    let healthy = false;
    const provider = vi.fn(() => (healthy ? mintToken() : Promise.reject(new Error('503'))));
    const managers = Array.from(
      { length: 3 },
      () => new AccessManager(null, { tokenProvider: provider, shareAcrossTabs: tabSharing('app:alice') }),
    );
    await advance(10 * SECOND);
    healthy = true;
    await advance(MINUTE);
    const tokens = managers.map((manager) => manager.token);
    expect(tokens[0]).not.toBeNull();
    expect(new Set(tokens).size).toBe(1);
    for (const manager of managers) manager.destroy();
  });
});
