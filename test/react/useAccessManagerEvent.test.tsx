// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { act } from '@testing-library/react';
import { AccessManager } from 'access-token-manager';
import { AccessManagerProvider, useAccessManagerEvent } from 'access-token-manager/react';
import { mintToken } from '../support/tokens.js';
import { mintAt, SECOND, useFakeTime } from '../support/time.js';
import { renderWith, settleInAct } from './support.js';

useFakeTime();

function Listener({ onUpdate }: { onUpdate: (identity: string | null) => void }) {
  useAccessManagerEvent('tokenUpdated', (manager) => onUpdate(manager.identity));
  return null;
}

describe(useAccessManagerEvent, () => {
  it('subscribes once per mount and calls the latest handler', async () => {
    const manager = new AccessManager(mintToken());
    const on = vi.spyOn(manager, 'on');
    const first = vi.fn();
    const second = vi.fn();
    const view = renderWith(<Listener onUpdate={first} />, manager, false);
    view.rerender(
      <AccessManagerProvider manager={manager}>
        <Listener onUpdate={second} />
      </AccessManagerProvider>,
    );
    await settleInAct();
    expect(on.mock.calls.filter(([event]) => event === 'tokenUpdated')).toHaveLength(1); // this hook's (the provider follows manager.subscribe)

    await act(async () => void (await manager.updateToken(mintAt(SECOND))));
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledWith('alice');
    manager.destroy();
  });

  it('calls the handler once per event under StrictMode, and never after unmount', async () => {
    const manager = new AccessManager(mintToken());
    const handler = vi.fn();
    const view = renderWith(<Listener onUpdate={handler} />, manager);
    await act(async () => void (await manager.updateToken(mintAt(SECOND))));
    expect(handler).toHaveBeenCalledTimes(1);

    view.unmount();
    expect(manager.listenerCount('tokenUpdated')).toBe(0);
    await manager.updateToken(mintAt(2 * SECOND));
    expect(handler).toHaveBeenCalledTimes(1);
    manager.destroy();
  });
});
