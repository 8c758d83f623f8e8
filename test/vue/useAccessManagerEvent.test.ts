// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { AccessManager } from 'access-token-manager';
import { useAccessManagerEvent } from 'access-token-manager/vue';
import { mintToken } from '../support/tokens.js';
import { useFakeTime } from '../support/time.js';
import { mountUnder, probe } from './support.js';

useFakeTime();

describe('useAccessManagerEvent', () => {
  it('hears the event while the component is mounted, and not after it unmounts', async () => {
    const manager = new AccessManager(mintToken());
    const handler = vi.fn();
    const root = mountUnder(probe(() => useAccessManagerEvent('tokenUpdated', handler)).Probe, manager);

    await manager.updateToken(mintToken({ ttl: 1800 }));
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler).toHaveBeenCalledWith(manager);

    root.unmount();
    await manager.updateToken(mintToken({ ttl: 1200 }));
    expect(handler).toHaveBeenCalledTimes(1);
    expect(manager.listenerCount('tokenUpdated')).toBe(0);
    manager.destroy();
  });
});
