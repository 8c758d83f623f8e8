import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AccessManager, AccessTokenError } from 'access-token-manager';
import { mintToken } from './support/tokens.js';
import { MINUTE, SECOND, mintAt, settle, useFakeTime } from './support/time.js';

useFakeTime();

let reportError: ReturnType<typeof vi.fn>;

beforeEach(() => {
  // Where a throwing listener is reported, as a browser reports one from an event listener.
  reportError = vi.fn();
  vi.stubGlobal('reportError', reportError);
});

/** A token one second newer than the last one minted, so each is a real update. */
function nextToken(): string {
  vi.advanceTimersByTime(SECOND);
  return mintToken();
}

describe(AccessManager, () => {
  describe('on', () => {
    it('adds a listener that is called with the event arguments', async () => {
      const manager = new AccessManager(mintToken());
      const listener = vi.fn();

      manager.on('tokenUpdated', listener);
      await manager.updateToken(nextToken());

      expect(listener).toHaveBeenCalledExactlyOnceWith(manager);
    });

    it('returns the manager, so calls chain', () => {
      const manager = new AccessManager(mintToken());
      const listener = vi.fn();

      const chained = manager
        .on('tokenUpdated', listener)
        .once('tokenExpired', listener)
        .off('tokenUpdated', listener)
        .removeListener('tokenExpired', listener)
        .removeAllListeners('tokenError')
        .removeAllListeners();

      expect(chained).toBe(manager);
    });

    it('calls the listeners of an event in the order they were added', async () => {
      const manager = new AccessManager(mintToken());
      const order: string[] = [];
      manager.on('tokenUpdated', () => order.push('first')).on('tokenUpdated', () => order.push('second'));

      await manager.updateToken(nextToken());

      expect(order).toEqual(['first', 'second']);
    });

    it('calls a listener on every emission', async () => {
      const manager = new AccessManager(mintToken());
      const listener = vi.fn();
      manager.on('tokenUpdated', listener);

      await manager.updateToken(nextToken());
      await manager.updateToken(nextToken());

      expect(listener).toHaveBeenCalledTimes(2);
    });
  });

  describe('once', () => {
    it('calls a listener only the first time', async () => {
      const manager = new AccessManager(mintToken());
      const listener = vi.fn();
      manager.once('tokenUpdated', listener);

      await manager.updateToken(nextToken());
      await manager.updateToken(nextToken());

      expect(listener).toHaveBeenCalledExactlyOnceWith(manager);
      expect(manager.listenerCount('tokenUpdated')).toBe(0);
    });

    it('can be removed with off before it fires', async () => {
      const manager = new AccessManager(mintToken());
      const listener = vi.fn();
      manager.once('tokenUpdated', listener);

      manager.off('tokenUpdated', listener);
      await manager.updateToken(nextToken());

      expect(listener).not.toHaveBeenCalled();
    });

    it('hears the asynchronous tokenError of a bad constructor token', async () => {
      const manager = new AccessManager('not a token');
      const listener = vi.fn();
      manager.once('tokenError', listener);

      await vi.advanceTimersByTimeAsync(0);

      expect(listener).toHaveBeenCalledExactlyOnceWith(expect.any(AccessTokenError), manager);
    });

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

  describe('off and removeListener', () => {
    it.each(['off', 'removeListener'] as const)('%s removes a listener', async (method) => {
      const manager = new AccessManager(mintToken());
      const removed = vi.fn();
      const kept = vi.fn();
      manager.on('tokenUpdated', removed).on('tokenUpdated', kept);

      manager[method]('tokenUpdated', removed);
      await manager.updateToken(nextToken());

      expect(removed).not.toHaveBeenCalled();
      expect(kept).toHaveBeenCalledOnce();
      expect(manager.listenerCount('tokenUpdated')).toBe(1);
    });

    it('removes a listener from the named event only', async () => {
      const manager = new AccessManager(mintToken());
      const listener = vi.fn();
      manager.on('tokenUpdated', listener).on('tokenError', listener);

      manager.off('tokenError', listener);
      await manager.updateToken(nextToken());

      expect(listener).toHaveBeenCalledOnce();
      expect(manager.listenerCount('tokenError')).toBe(0);
    });

    it('does nothing for a listener that was never added', () => {
      const manager = new AccessManager(mintToken());
      manager.on('tokenUpdated', vi.fn());

      manager.off('tokenUpdated', vi.fn());

      expect(manager.listenerCount('tokenUpdated')).toBe(1);
    });
  });

  describe('removeAllListeners', () => {
    it('removes every listener of one event', async () => {
      const manager = new AccessManager(mintToken());
      const updated = vi.fn();
      const aboutToExpire = vi.fn();
      manager.on('tokenUpdated', updated).on('tokenUpdated', updated).on('tokenAboutToExpire', aboutToExpire);

      manager.removeAllListeners('tokenUpdated');
      await manager.updateToken(mintToken({ ttl: 60 }));
      vi.advanceTimersByTime(0);

      expect(updated).not.toHaveBeenCalled();
      expect(aboutToExpire).toHaveBeenCalledOnce();
    });

    it('removes every listener of every event when called without one', async () => {
      const manager = new AccessManager(mintToken());
      const listener = vi.fn();
      manager.on('tokenUpdated', listener).on('tokenAboutToExpire', listener).on('tokenExpired', listener);

      manager.removeAllListeners();
      await manager.updateToken(mintToken({ ttl: 60 }));
      vi.advanceTimersByTime(MINUTE);

      expect(listener).not.toHaveBeenCalled();
      expect(manager.listenerCount('tokenExpired')).toBe(0);
    });
  });

  describe('listenerCount', () => {
    it('counts the listeners of one event, added with on or once', () => {
      const manager = new AccessManager(mintToken());

      manager.on('tokenUpdated', vi.fn()).once('tokenUpdated', vi.fn()).on('tokenExpired', vi.fn());

      expect(manager.listenerCount('tokenUpdated')).toBe(2);
      expect(manager.listenerCount('tokenExpired')).toBe(1);
      expect(manager.listenerCount('clientError')).toBe(0);
    });
  });

  describe('a listener that throws', () => {
    it('does not stop the other listeners, and is reported', async () => {
      const manager = new AccessManager(mintToken());
      const failure = new Error('listener bug');
      const before = vi.fn();
      const after = vi.fn();
      manager
        .on('tokenUpdated', before)
        .on('tokenUpdated', () => {
          throw failure;
        })
        .on('tokenUpdated', after);

      await manager.updateToken(nextToken());

      expect(before).toHaveBeenCalledOnce();
      expect(after).toHaveBeenCalledOnce();
      expect(reportError).toHaveBeenCalledExactlyOnceWith(failure);
    });

    it('does not stop updateToken from pushing the token and resolving', async () => {
      const manager = new AccessManager(mintToken());
      const client = { updateToken: vi.fn() };
      manager.register(client);
      manager.on('tokenUpdated', () => {
        throw new Error('listener bug');
      });
      const next = nextToken();

      await expect(manager.updateToken(next)).resolves.toBe(manager);

      expect(manager.token).toBe(next);
      expect(client.updateToken).toHaveBeenCalledExactlyOnceWith(next);
    });

    it('does not stop tokenWillExpire nor a later tokenExpired', () => {
      const manager = new AccessManager(mintToken({ ttl: 3600 }));
      const log: string[] = [];
      manager.on('tokenAboutToExpire', () => {
        throw new Error('listener bug');
      });
      manager.on('tokenWillExpire', () => log.push('tokenWillExpire'));
      manager.on('tokenExpired', () => log.push('tokenExpired'));

      vi.advanceTimersByTime(57 * MINUTE);
      expect(log).toEqual(['tokenWillExpire']);
      vi.advanceTimersByTime(3 * MINUTE);

      expect(log).toEqual(['tokenWillExpire', 'tokenExpired']);
      expect(reportError).toHaveBeenCalledOnce();
    });

    it('in tokenError does not change how updateToken rejects', async () => {
      const manager = new AccessManager(mintToken());
      manager.on('tokenError', () => {
        throw new Error('listener bug');
      });

      await expect(manager.updateToken('not a token')).rejects.toMatchObject({ reason: 'malformed' });
      expect(reportError).toHaveBeenCalledOnce();
    });

    it('does not stop the other clientError listeners', async () => {
      const manager = new AccessManager(mintToken());
      manager.register({ updateToken: () => Promise.reject(new Error('offline')) });
      const heard = vi.fn();
      manager
        .on('clientError', () => {
          throw new Error('listener bug');
        })
        .on('clientError', heard);

      await manager.updateToken(nextToken());

      expect(heard).toHaveBeenCalledOnce();
    });
  });

  describe('after destroy', () => {
    it('has no listeners, and on adds none', () => {
      const manager = new AccessManager(mintToken());
      manager.on('tokenUpdated', vi.fn());

      manager.destroy();
      const chained = manager.on('tokenExpired', vi.fn());

      expect(chained).toBe(manager);
      expect(manager.listenerCount('tokenUpdated')).toBe(0);
      expect(manager.listenerCount('tokenExpired')).toBe(0);
    });

    it('calls no other listener of the same event once one of them destroyed the manager', async () => {
      const manager = new AccessManager(mintToken());
      const later = vi.fn();
      manager.on('tokenUpdated', () => manager.destroy());
      manager.on('tokenUpdated', later);

      await manager.updateToken(mintAt(SECOND)).catch(() => {});

      expect(later).not.toHaveBeenCalled();
    });
  });
});

describe('a listener that throws where there is no reportError (Node)', () => {
  it('is reported to console.error, and neither stops the others nor ends the process', async () => {
    vi.stubGlobal('reportError', undefined);
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    const manager = new AccessManager();
    const failure = new Error('listener bug');
    const after = vi.fn();
    manager.on('tokenUpdated', () => {
      throw failure;
    });
    manager.on('tokenUpdated', after);
    await manager.updateToken(mintToken());
    expect(after).toHaveBeenCalledTimes(1);
    expect(printed).toHaveBeenCalledWith(failure);
    manager.destroy();
  });
});
