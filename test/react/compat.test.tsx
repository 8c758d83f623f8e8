// @vitest-environment jsdom
// The constructor's token, announced as tokenUpdated a tick after `new` (twilio-common's
// behaviour): the hooks read the state at render, so they show the token from the first render and
// the announcement renders nothing again.
import { describe, expect, it } from 'vitest';
import { AccessManager } from 'access-token-manager';
import { useAccessToken } from 'access-token-manager/react';
import { mintToken } from '../support/tokens.js';
import { useFakeTime } from '../support/time.js';
import { probe, renderOwned, renderWith, settleInAct } from './support.js';

useFakeTime();

describe("the constructor's tokenUpdated, a tick after new", () => {
  it('a provider given the manager: valid from the first render, and no render for the announcement', async () => {
    const manager = new AccessManager(mintToken());
    let announced = 0;
    manager.on('tokenUpdated', () => announced++);
    const tokens = probe(useAccessToken);

    renderWith(<tokens.Probe />, manager);
    const first = tokens.values[0];
    await settleInAct();

    expect(announced).toBe(1);
    expect(first).toMatchObject({ status: 'valid', token: manager.token, identity: 'alice' });
    expect(tokens.values.every((value) => value === first)).toBe(true);
    manager.destroy();
  });

  it('a provider that creates the manager with a token: valid from the first render, one snapshot', async () => {
    const token = mintToken();
    const tokens = probe(useAccessToken);

    renderOwned(<tokens.Probe />, { token, options: {} });
    await settleInAct();

    expect(tokens.last).toMatchObject({ status: 'valid', token, error: null });
    expect(new Set(tokens.values.filter((value) => value.token === token)).size).toBe(1);
  });
});
