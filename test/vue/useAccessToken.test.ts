// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { isReadonly, isRef, nextTick, watch } from 'vue';
import { AccessManager, AccessTokenError, type AccessTokenSnapshot } from 'access-token-manager';
import { useAccessToken } from 'access-token-manager/vue';
import { mintToken } from '../support/tokens.js';
import { HOUR, MINUTE, useFakeTime } from '../support/time.js';
import { mountUnder, probe, providerOf, settle } from './support.js';

useFakeTime();

/** A probe of useAccessToken that renders `status identity` and records every snapshot it saw. */
function tokenProbe() {
  const seen: AccessTokenSnapshot[] = [];
  const used = probe(
    () => {
      const token = useAccessToken();
      watch(token, (snapshot) => void seen.push(snapshot), { immediate: true, flush: 'sync' });
      return token;
    },
    (token) => `${token.value.status} ${token.value.identity ?? 'nobody'}`,
  );
  return {
    Probe: used.Probe,
    seen,
    get value() {
      return used.value;
    },
  };
}

describe('useAccessToken', () => {
  it("is a read-only ref of the manager's snapshot, the same object", () => {
    const manager = new AccessManager(mintToken());
    const used = tokenProbe();
    const root = mountUnder(used.Probe, manager);

    expect(isRef(used.value)).toBe(true);
    expect(isReadonly(used.value)).toBe(true);
    expect(used.value.value).toBe(manager.getSnapshot());
    expect(root.element.textContent).toBe('valid alice');
    root.unmount();
    manager.destroy();
  });

  it('cannot be written: the snapshot stays the manager’s', () => {
    const manager = new AccessManager(mintToken());
    const used = tokenProbe();
    const root = mountUnder(used.Probe, manager);
    const before = used.value.value;

    (used.value as { value: unknown }).value = { status: 'valid' };

    expect(used.value.value).toBe(before);
    root.unmount();
    manager.destroy();
  });

  it('follows the manager through subscribe: empty → valid → aboutToExpire → expired', async () => {
    const manager = new AccessManager(null, { aboutToExpireMs: MINUTE });
    const used = tokenProbe();
    const root = mountUnder(used.Probe, manager);
    expect(root.element.textContent).toBe('empty nobody');

    await manager.updateToken(mintToken({ identity: 'bob', ttl: 3600 }));
    await nextTick();
    expect(root.element.textContent).toBe('valid bob');

    vi.advanceTimersByTime(HOUR - MINUTE);
    await nextTick();
    expect(root.element.textContent).toBe('aboutToExpire bob');

    vi.advanceTimersByTime(MINUTE);
    await nextTick();
    expect(root.element.textContent).toBe('expired bob');
    expect(used.seen.map((snapshot) => snapshot.status)).toEqual([
      'empty',
      'valid',
      'aboutToExpire',
      'expired',
    ]);
    expect(used.seen.every((snapshot, i) => i === 0 || snapshot !== used.seen[i - 1])).toBe(true);
    root.unmount();
    manager.destroy();
  });

  it('sees the error of a refused token', async () => {
    const manager = new AccessManager(null);
    const used = tokenProbe();
    const root = mountUnder(used.Probe, manager);

    await manager.updateToken('not a token').catch(() => {});
    await nextTick();

    expect(used.value.value.status).toBe('error');
    expect(used.value.value.error).toBeInstanceOf(AccessTokenError);
    root.unmount();
    manager.destroy();
  });

  it('shows sessionEnded when mounted after the session ended', async () => {
    const ended = new AccessTokenError('session-ended', { status: 401 });
    const manager = new AccessManager(null, {
      tokenProvider: vi.fn(async () => Promise.reject(ended)),
    });
    await settle();
    expect(manager.getSnapshot().status).toBe('sessionEnded');

    const used = tokenProbe();
    const root = mountUnder(used.Probe, manager);

    expect(root.element.textContent).toBe('sessionEnded nobody');
    root.unmount();
    manager.destroy();
  });

  it('shows sessionEnded with no token after signOut(), and valid again after the next sign-in', async () => {
    const tokenProvider = providerOf(mintToken(), mintToken({ ttl: 1800 }));
    const used = tokenProbe();
    const root = mountUnder(used.Probe, { options: { tokenProvider } });
    await settle();
    expect(root.element.textContent).toBe('valid alice');

    root.manager.signOut();
    await nextTick();
    expect(root.element.textContent).toBe('sessionEnded nobody');
    expect(used.value.value.token).toBeNull();

    await root.manager.refresh();
    await nextTick();
    expect(root.element.textContent).toBe('valid alice');
    expect(tokenProvider).toHaveBeenCalledTimes(2);
    root.unmount();
  });

  it('renders again only when the snapshot changes, not on a check or a timer tick that change nothing', async () => {
    const manager = new AccessManager(mintToken());
    let renders = 0;
    const used = probe(useAccessToken, (token) => `${(renders += 1)} ${token.value.status}`);
    const root = mountUnder(used.Probe, manager);

    vi.advanceTimersByTime(10 * MINUTE);
    manager.check();
    await nextTick();

    expect(renders).toBe(1);
    root.unmount();
    manager.destroy();
  });

  it('stops following the manager when the component unmounts', async () => {
    const manager = new AccessManager(mintToken());
    const used = tokenProbe();
    const root = mountUnder(used.Probe, manager);
    root.unmount();

    await manager.updateToken(mintToken({ ttl: 1800 }));

    expect(used.seen).toHaveLength(1);
    manager.destroy();
  });

  it('follows the manager it created from options, from empty to its first token', async () => {
    const used = tokenProbe();
    const root = mountUnder(used.Probe, { options: { tokenProvider: providerOf(mintToken()) } });
    expect(root.element.textContent).toBe('empty nobody');

    await settle();

    expect(root.element.textContent).toBe('valid alice');
    root.unmount();
  });
});
