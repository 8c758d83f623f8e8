// An app written for twilio-common's AccessManager (0.1.7, its lib/accessmanager.js) moves here by
// changing the import: the two behaviours it relied on, run against the built package.
import { describe, expect, it } from 'vitest';
import { AccessManager, AccessTokenError } from 'access-token-manager';
import { tabSharing } from 'access-token-manager/tabs';
import { fakeTabs } from './support/tabs.js';
import { mintToken } from './support/tokens.js';
import { MINUTE, SECOND, advance, mintAt, settle, useFakeTime } from './support/time.js';

useFakeTime();

type Heard = [event: string, token: string | null];

/** Records tokenUpdated, tokenError and error, with the token the manager held at each. */
function record(manager: AccessManager): Heard[] {
  const heard: Heard[] = [];
  manager.on('tokenUpdated', (m) => heard.push(['tokenUpdated', m.token]));
  manager.on('tokenError', () => heard.push(['tokenError', manager.token]));
  manager.on('error', () => heard.push(['error', manager.token]));
  return heard;
}

describe(AccessManager, () => {
  describe("twilio-common's 'error' event", () => {
    it('fires right after each tokenError, with the same error and the manager', async () => {
      const manager = new AccessManager(mintToken());
      const tokenErrors: AccessTokenError[] = [];
      const errors: [AccessTokenError, AccessManager][] = [];
      manager.on('tokenError', (error) => tokenErrors.push(error));
      manager.on('error', (error, m) => errors.push([error, m]));
      const heard = record(manager);
      await settle();
      heard.length = 0;

      await manager.updateToken('not a token').catch(() => {});
      await manager.updateToken(mintToken({ identity: 'mallory' })).catch(() => {});

      expect(heard.map(([event]) => event)).toEqual(['tokenError', 'error', 'tokenError', 'error']);
      expect(errors.map(([error]) => error)).toEqual(tokenErrors);
      expect(errors.map(([error]) => error.reason)).toEqual(['malformed', 'identity-changed']);
      expect(errors.every(([, m]) => m === manager)).toBe(true);
      manager.destroy();
    });

    it("reports the constructor's bad token, to a listener added right after it", async () => {
      const manager = new AccessManager('not a token');
      const errors: AccessTokenError[] = [];
      manager.on('error', (error) => errors.push(error));

      await settle();

      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(AccessTokenError);
      expect(errors[0]?.code).toBe(20101);
      manager.destroy();
    });

    it('reports an SDK that refused the token (client-rejected)', async () => {
      const manager = new AccessManager(mintToken());
      const errors: AccessTokenError[] = [];
      manager.on('error', (error) => errors.push(error));
      let host: { rejected(cause: unknown): void } | undefined;
      manager.register({ updateToken: () => {}, attach: (given) => ((host = given), () => {}) });

      host?.rejected({ code: 20101 });

      expect(errors.map((error) => error.reason)).toEqual(['client-rejected']);
      manager.destroy();
    });

    it('reports the end of a session (session-ended), in the tab that heard it and in the others', async () => {
      fakeTabs();
      const tokenProvider = (): never => {
        throw new AccessTokenError('session-ended', { status: 401 });
      };
      const tabs = [0, 1].map(
        (i) =>
          new AccessManager(mintAt(i * SECOND, { ttl: 3600 }), {
            tokenProvider,
            shareAcrossTabs: tabSharing('app'),
          }),
      );
      const heard = tabs.map((tab) => {
        const events: string[] = [];
        tab.on('tokenError', (error) => events.push(`tokenError ${error.reason}`));
        tab.on('error', (error) => events.push(`error ${error.reason}`));
        return events;
      });

      await advance(57 * MINUTE + 30 * SECOND); // the first tab's refresh is due: its provider says 401

      for (const events of heard) {
        expect(events).toEqual(['tokenError session-ended', 'error session-ended']);
      }
      for (const tab of tabs) tab.destroy();
    });

    it('comes after the tokenUpdated of a token a tokenError listener gives at once', async () => {
      const first = mintToken();
      const manager = new AccessManager(first);
      await settle();
      const heard = record(manager);
      const next = mintAt(1_000);
      manager.once('tokenError', (_error, m) => void m.updateToken(next));

      await manager.updateToken('not a token').catch(() => {});

      expect(heard).toEqual([
        ['tokenError', first],
        ['tokenUpdated', next],
        ['error', next],
      ]);
      manager.destroy();
    });

    it('throws nothing when no listener is added (unlike a Node EventEmitter)', async () => {
      const manager = new AccessManager(mintToken());

      await expect(manager.updateToken('not a token')).rejects.toThrow(AccessTokenError);
      expect(manager.listenerCount('error')).toBe(0);
      manager.destroy();
    });
  });

  describe("the constructor's token", () => {
    it('is announced as tokenUpdated(manager) a tick after new, to a listener added right after it', async () => {
      const token = mintToken({ identity: 'alice' });
      const manager = new AccessManager(token);
      const announced: { manager: AccessManager; identity: string | null; expires: Date | null }[] = [];
      manager.on('tokenUpdated', (m) =>
        announced.push({ manager: m, identity: m.identity, expires: m.expires }),
      );
      expect(announced).toEqual([]); // not during the constructor: nobody could listen yet

      await Promise.resolve();

      expect(announced).toEqual([{ manager, identity: 'alice', expires: manager.expires }]);
      expect(announced[0]?.expires).toBeInstanceOf(Date);
      await advance(10 * MINUTE);
      expect(announced).toHaveLength(1); // once
      manager.destroy();
    });

    it('is not announced once a newer token was accepted in between: only the newer one is', async () => {
      const manager = new AccessManager(mintToken());
      const heard = record(manager);
      const newer = mintAt(1_000);

      await manager.updateToken(newer);
      await settle();

      expect(heard).toEqual([['tokenUpdated', newer]]);
      manager.destroy();
    });

    it('is not announced after a refused updateToken in between, which it would seem to clear', async () => {
      const first = mintToken();
      const manager = new AccessManager(first);
      const heard = record(manager);

      await manager.updateToken('not a token').catch(() => {});
      await settle();

      expect(heard).toEqual([
        ['tokenError', first],
        ['error', first],
      ]);
      expect(manager.token).toBe(first); // still held, and readable at once
      manager.destroy();
    });

    it('is not announced when the manager is destroyed first', async () => {
      const manager = new AccessManager(mintToken());
      const heard = record(manager);

      manager.destroy();
      await settle();

      expect(heard).toEqual([]);
    });

    it('is readable at once, before the announcement (token, identity, expires)', () => {
      const token = mintToken({ identity: 'alice' });

      const manager = new AccessManager(token);

      expect([manager.token, manager.identity, manager.expires]).toEqual([token, 'alice', expect.any(Date)]);
      manager.destroy();
    });
  });
});
