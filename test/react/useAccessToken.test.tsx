// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { act } from '@testing-library/react';
import { AccessManager, AccessTokenError, type TokenClient } from 'access-token-manager';
import { useAccessToken } from 'access-token-manager/react';
import { mintToken } from '../support/tokens.js';
import { MINUTE, SECOND, advanceTo, deferred, mintAt, useFakeTime } from '../support/time.js';
import { advanceInAct, probe, providerOf, renderOwned, renderWith, settleInAct } from './support.js';

useFakeTime();

describe(useAccessToken, () => {
  it('goes empty → valid → aboutToExpire → valid as the provider refreshes', async () => {
    const next = deferred<string>();
    let calls = 0;
    const tokenProvider = async () => (++calls === 1 ? mintToken({ ttl: 3600 }) : next.promise);
    const tokens = probe(useAccessToken);
    renderOwned(<tokens.Probe />, { options: { tokenProvider } });
    expect(tokens.values[0]?.status).toBe('empty');
    await settleInAct();
    expect(tokens.last).toMatchObject({ status: 'valid', identity: 'alice', error: null });
    expect(tokens.last.expires?.getTime()).toBe(Date.now() + 3600 * SECOND);

    await advanceInAct(57 * MINUTE); // the warning, and the provider asked (its answer held back)
    expect(tokens.last.status).toBe('aboutToExpire');
    await act(async () => next.resolve(mintAt(57 * MINUTE, { ttl: 3600 })));
    expect(tokens.last.status).toBe('valid');
    expect(tokens.last.expires?.getTime()).toBe(Date.now() + 3600 * SECOND);
  });

  it('returns the same object until something changes, and renders only then', async () => {
    const manager = new AccessManager(mintToken({ ttl: 3600 }));
    const failing: TokenClient = {
      updateToken: () => {
        throw new Error('no');
      },
    };
    manager.register(failing);
    const tokens = probe(useAccessToken);
    renderWith(<tokens.Probe />, manager);
    await settleInAct();
    const rendered = tokens.values.length;
    const snapshot = tokens.last;

    await advanceInAct(50 * MINUTE); // time passes, no event
    expect(tokens.values.length).toBe(rendered);
    // An event that changes nothing in the snapshot: a client refusing a token.
    await act(async () => void (await manager.updateToken(mintAt(50 * MINUTE, { ttl: 3600 }))));
    const afterUpdate = tokens.values.length;
    expect(afterUpdate).toBeGreaterThan(rendered); // the token changed: one render
    await act(async () => void manager.check());
    expect(tokens.values.length).toBe(afterUpdate);
    expect(tokens.last).not.toBe(snapshot);
    expect(Object.isFrozen(tokens.last)).toBe(true);
    manager.destroy();
  });

  it('reads aboutToExpire for an app’s manager whose warning fired before the provider mounted', async () => {
    const manager = new AccessManager(mintToken({ ttl: 3600 }));
    let warned = 0;
    manager.on('tokenAboutToExpire', () => warned++);
    advanceTo(58 * MINUTE);
    expect(warned).toBe(1);

    const tokens = probe(useAccessToken);
    renderWith(<tokens.Probe />, manager);
    expect(tokens.last.status).toBe('aboutToExpire');
    await advanceInAct(2 * MINUTE);
    expect(tokens.last.status).toBe('expired');
    manager.destroy();
  });

  it('holds the last tokenError until a token is accepted', async () => {
    const manager = new AccessManager(mintToken({ ttl: 3600 }));
    const tokens = probe(useAccessToken);
    renderWith(<tokens.Probe />, manager);
    await act(async () => void (await manager.updateToken('not a token').catch(() => {})));
    expect(tokens.last.status).toBe('valid'); // the previous token still holds
    expect(tokens.last.error).toMatchObject({ code: 20101 });

    await act(async () => void (await manager.updateToken(mintAt(SECOND, { ttl: 3600 }))));
    expect(tokens.last.error).toBeNull();
    manager.destroy();
  });

  it('is error, with the refreshFailed error, while the provider cannot bring a first token', async () => {
    const tokenProvider = providerOf(() => {
      throw new Error('token server down');
    });
    const tokens = probe(useAccessToken);
    renderOwned(<tokens.Probe />, { options: { tokenProvider } });
    await settleInAct();
    expect(tokens.last.status).toBe('error');
    expect(tokens.last.error).toMatchObject({ reason: 'provider-failed' });
    expect(tokens.last.token).toBeNull();
  });

  it('is sessionEnded once the provider says the session is over, the token still held, until refresh()', async () => {
    const first = mintToken({ ttl: 3600 });
    let signedIn = false;
    let calls = 0;
    const tokenProvider = async () => {
      calls += 1;
      if (!signedIn) throw new AccessTokenError('session-ended', { status: 401 });
      return mintToken({ ttl: 3600 });
    };
    const manager = new AccessManager(first, { tokenProvider });
    const tokens = probe(useAccessToken);
    renderWith(<tokens.Probe />, manager);
    await advanceInAct(57 * MINUTE);
    expect(tokens.last).toMatchObject({
      status: 'sessionEnded',
      token: first,
      error: { reason: 'session-ended' },
    });
    await advanceInAct(10 * MINUTE); // past exp: still the session that ended, not 'expired'
    expect(tokens.last.status).toBe('sessionEnded');
    expect(calls).toBe(1);

    signedIn = true;
    await act(async () => void (await manager.refresh()));
    expect(tokens.last).toMatchObject({ status: 'valid', error: null });
    expect(calls).toBe(2);
    manager.destroy();
  });

  it('is expired when the token expired with no error to tell', async () => {
    const manager = new AccessManager(mintToken({ ttl: 600 }));
    const tokens = probe(useAccessToken);
    renderWith(<tokens.Probe />, manager);
    await advanceInAct(10 * MINUTE);
    expect(tokens.last).toMatchObject({ status: 'expired', error: null });
    manager.destroy();
  });
});
