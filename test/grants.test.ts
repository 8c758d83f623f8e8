import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { AccessManager, AccessTokenError, decodeAccessToken, type RequiredGrant } from 'access-token-manager';
import { inspectAccessToken, KNOWN_GRANT_KEYS } from 'access-token-manager/inspect';
import { ACCOUNT_SID, API_KEY_SECRET, API_KEY_SID, craftToken, goodPayload } from './support/tokens.js';

const { AccessToken } = twilio.jwt;

/** A real token from the helper library with one grant of each kind it writes. */
function tokenWithEveryGrant(): string {
  const token = new AccessToken(ACCOUNT_SID, API_KEY_SID, API_KEY_SECRET, { identity: 'alice', ttl: 3600 });
  token.addGrant(new AccessToken.ChatGrant({ serviceSid: 'IS' + '0'.repeat(32) }));
  token.addGrant(new AccessToken.SyncGrant({ serviceSid: 'IS' + '1'.repeat(32) }));
  token.addGrant(new AccessToken.VoiceGrant({ outgoingApplicationSid: 'AP' + '0'.repeat(32) }));
  token.addGrant(new AccessToken.VideoGrant());
  token.addGrant(new AccessToken.PlaybackGrant({ grant: {} }));
  token.addGrant(
    new AccessToken.TaskRouterGrant({
      workspaceSid: 'WS' + '0'.repeat(32),
      workerSid: 'WK' + '0'.repeat(32),
    }),
  );
  return token.toJwt();
}

/** Registers a client requiring `requires`; the error, or null when register took it. */
function registerWith(requires: unknown): AccessTokenError | null {
  const manager = new AccessManager();
  try {
    manager.register({ updateToken: () => undefined }, { requires: requires as RequiredGrant });
    return null;
  } catch (error) {
    return error as AccessTokenError;
  } finally {
    manager.destroy();
  }
}

describe('grant names: one table', () => {
  it('knows every grant key the helper library writes, in register, decode and inspect alike', () => {
    const token = tokenWithEveryGrant();
    const { grantNames } = decodeAccessToken(token);
    expect([...grantNames].sort()).toEqual(['chat', 'data_sync', 'player', 'task_router', 'video', 'voice']);
    expect(inspectAccessToken(token).findings.filter((f) => f.reason === 'unknown-grant')).toEqual([]);
    for (const key of grantNames) {
      expect(KNOWN_GRANT_KEYS, key).toContain(key);
      expect(registerWith(key), key).toBeNull();
    }
  });

  it('takes the same names everywhere: each known key and the SDK names conversations and sync', () => {
    for (const name of [...KNOWN_GRANT_KEYS, 'conversations', 'sync'])
      expect(registerWith(name), name).toBeNull();
    expect([...KNOWN_GRANT_KEYS].sort()).toEqual([
      'chat',
      'data_sync',
      'identity',
      'ip_messaging',
      'player',
      'task_router',
      'video',
      'voice',
    ]);
  });

  it("handles rtc, the retired grant of Video's beta, the same way everywhere: no SDK reads it", () => {
    expect(KNOWN_GRANT_KEYS).not.toContain('rtc');
    const error = registerWith('rtc');
    expect(error).toMatchObject({ reason: 'invalid-argument', facts: { received: '"rtc"' } });
    expect(error?.facts.expected).not.toContain('rtc');
    const token = craftToken(
      goodPayload({ grants: { identity: 'alice', rtc: { configuration_profile_sid: 'VS1' } } }),
    );
    // decodeAccessToken reports what the token holds, as it does for any key.
    expect(decodeAccessToken(token).grantNames).toEqual(['rtc']);
    const [warning] = inspectAccessToken(token).findings.filter((f) => f.reason === 'unknown-grant');
    expect(warning).toMatchObject({ severity: 'warning' });
    expect(warning?.message).toMatch(/retired grant of Twilio Video's beta.*"video"/);
    expect(warning?.remedy).toContain('VideoGrant writes "video"');
  });

  it('suggests the key behind an SDK name or a helper class name written as a key', () => {
    const suggestion = (key: string): string | undefined =>
      inspectAccessToken(craftToken(goodPayload({ grants: { identity: 'alice', [key]: {} } })))
        .findings.find((f) => f.reason === 'unknown-grant')
        ?.message.match(/did you mean "([a-z_]+)"/)?.[1];
    expect(suggestion('sync')).toBe('data_sync');
    expect(suggestion('Conversation')).toBe('chat');
    expect(suggestion('playback')).toBe('player');
    expect(suggestion('taskrouter')).toBe('task_router');
    expect(suggestion('IpMessaging')).toBe('ip_messaging');
    expect(suggestion('zebra')).toBeUndefined();
  });
});
