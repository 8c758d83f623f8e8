// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { renderToString } from 'react-dom/server';
import { AccessManager } from 'access-token-manager';
import { tabSharing } from 'access-token-manager/tabs';
import {
  AccessManagerProvider,
  useAccessManager,
  useAccessManagerEvent,
  useAccessToken,
  useClient,
  useRegisterClient,
} from 'access-token-manager/react';
import { mintToken } from '../support/tokens.js';
import { forbidBrowserGlobals } from '../support/ssr.js';
import { useFakeTime } from '../support/time.js';

useFakeTime();

/** The managers useAccessManager() returned, render by render. */
const seen: AccessManager[] = [];

function App() {
  const manager = useAccessManager();
  seen.push(manager);
  const { status, identity } = useAccessToken();
  useAccessManagerEvent('tokenUpdated', () => {});
  useRegisterClient({ updateToken: () => {} });
  const client = useClient((token) => ({ token, updateToken: () => {} }));
  return (
    <p>{`${status} ${identity ?? 'nobody'} ${manager.token === null ? 'no token' : 'token'} ${client ? 'client' : 'no client'}`}</p>
  );
}

describe('server rendering', () => {
  it('renders status empty, with no timer, no provider call and no browser global', async () => {
    const touched = forbidBrowserGlobals();
    const tokenProvider = vi.fn(async () => mintToken());
    const html = renderToString(
      <AccessManagerProvider
        options={{ tokenProvider, shareAcrossTabs: tabSharing('app:alice') }}
        token={mintToken()}
      >
        <App />
      </AccessManagerProvider>,
    );
    await vi.advanceTimersByTimeAsync(0);

    expect(html).toBe('<p>empty nobody no token no client</p>');
    expect(vi.getTimerCount()).toBe(0);
    expect(tokenProvider).not.toHaveBeenCalled();
    expect(touched).toEqual([]);
    // useAccessManager() gave an idle stand-in, not a manager made from the options: no provider.
    const idle = seen.at(-1)!;
    expect(idle.token).toBeNull();
    await expect(idle.refresh()).rejects.toMatchObject({ reason: 'no-token-provider' });
  });

  it('renders status empty with the app’s manager too, even when it holds a token', () => {
    const manager = new AccessManager(mintToken());
    const html = renderToString(
      <AccessManagerProvider manager={manager}>
        <App />
      </AccessManagerProvider>,
    );
    expect(html).toBe('<p>empty nobody token no client</p>');
    manager.destroy();
  });
});
