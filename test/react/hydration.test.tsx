// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { act } from '@testing-library/react';
import { StrictMode } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { AccessManagerProvider, useAccessToken } from 'access-token-manager/react';
import { mintToken } from '../support/tokens.js';
import { useFakeTime } from '../support/time.js';
import { providerOf } from './support.js';

useFakeTime();

function Status() {
  const { status, identity } = useAccessToken();
  return <p>{`${status} ${identity ?? 'nobody'}`}</p>;
}

describe('hydration', () => {
  it('hydrates the server markup without a mismatch, then shows the token the provider brought', async () => {
    const tokenProvider = providerOf(mintToken({ identity: 'carol' }));
    const app = (
      <StrictMode>
        <AccessManagerProvider options={{ tokenProvider }}>
          <Status />
        </AccessManagerProvider>
      </StrictMode>
    );
    const container = document.createElement('div');
    container.innerHTML = renderToString(app);
    expect(container.textContent).toBe('empty nobody');

    const onRecoverableError = vi.fn();
    const root = await act(async () => hydrateRoot(container, app, { onRecoverableError }));
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(onRecoverableError).not.toHaveBeenCalled();
    expect(container.textContent).toBe('valid carol');
    expect(tokenProvider).toHaveBeenCalledTimes(1);
    act(() => root.unmount());
  });
});
