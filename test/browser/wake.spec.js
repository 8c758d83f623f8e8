// The default browserClock in a real Chromium, through the minified <script> bundle: its timers
// survive a sleep, it waits while the browser is offline and asks once `online` fires, its wake
// listeners (visibilitychange, focus, pageshow, online, resume) call check(), destroy() removes
// them, and a suspend with no wake signal still refreshes before exp.
//
// Time is Playwright's clock (page.clock), installed before the page loads at the real current
// time, so tokens minted in Node by the twilio helper line up with the page's fake "now". Its two
// jumps stand for two kinds of waking:
// - fastForward(ms) moves the wall clock and the timers together and fires each due timer once:
//   a laptop that slept with the timers' clock running, woken by its overdue timer;
// - setSystemTime(ms) moves only the wall clock (Date.now); timers run on Playwright's separate
//   tick counter and stay where they were: a machine whose timers were frozen with it. Then no
//   timer can fire the due event, and what fires it is the wake listener alone.
// A real focus or pageshow cannot be produced on demand in headless Chromium, so those are
// dispatched on the real window and document; the `online` event of part 2 is Chromium's own,
// from context.setOffline(false).
import assert from 'node:assert/strict';
import { mintToken } from '../support/tokens.js';
import { serve } from './harness.js';

export const name = 'browserClock in Chromium: sleep, offline wait, wake listeners, destroy removes them';

const MINUTE_MS = 60_000;
// `resume` first: in step 4 the live manager hears only the first wake, so it is the one proven there.
const WAKE_TYPES = ['resume', 'focus', 'pageshow', 'online', 'visibilitychange'];

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>access-token-manager wake</title>
<script src="/dist/access-token-manager.min.js"></script>
<script>
  window.log = [];
  window.pageErrors = [];
  window.trustedWakes = [];
  addEventListener('error', (event) => pageErrors.push(String(event.message)));
  addEventListener('unhandledrejection', (event) => pageErrors.push(String(event.reason)));
  // Any wake event the browser itself sends, so a stray one is visible in a failure message.
  for (const type of ['focus', 'pageshow', 'online']) {
    addEventListener(type, (event) => event.isTrusted && trustedWakes.push(type));
  }
  document.addEventListener('visibilitychange', (event) => event.isTrusted && trustedWakes.push('visibilitychange'));
  /** A manager whose events land in window.log as "<label> <event>". */
  window.track = (manager, label) => {
    for (const type of ['tokenUpdated', 'tokenAboutToExpire', 'tokenExpired']) {
      manager.on(type, () => log.push(label + ' ' + type));
    }
    manager.on('tokenError', (error) => log.push(label + ' tokenError ' + error.reason));
    manager.on('refreshFailed', (error) => log.push(label + ' refreshFailed ' + error.reason));
    return manager;
  };
</script>`;

/** Opens the test page in a fresh context, with the fake clock installed at `time` when given. */
async function open(browser, url, { time } = {}) {
  const context = await browser.newContext();
  if (time !== undefined) await context.clock.install({ time });
  const page = await context.newPage();
  const uncaught = [];
  page.on('pageerror', (error) => uncaught.push(error.message));
  await page.goto(`${url}/wake.html`);
  return { context, page, uncaught };
}

const logOf = (page) => page.evaluate(() => window.log.slice());

/** Asserts no error reached the page (listener errors, rejections, uncaught exceptions). */
async function assertNoErrors(page, uncaught) {
  assert.deepEqual(await page.evaluate(() => window.pageErrors), [], 'no error reported in the page');
  assert.deepEqual(uncaught, [], 'no uncaught error in the page');
}

/**
 * Counts the wake listeners on window and document, as Chromium's DevTools sees them (nothing in
 * the page is patched to count them).
 */
async function wakeListenerCounts(cdp) {
  const counts = Object.fromEntries(WAKE_TYPES.map((type) => [type, 0]));
  for (const expression of ['window', 'document']) {
    const { result } = await cdp.send('Runtime.evaluate', { expression });
    const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
    for (const { type } of listeners) if (type in counts) counts[type] += 1;
    await cdp.send('Runtime.releaseObject', { objectId: result.objectId });
  }
  return counts;
}

const plus = (counts, n) => Object.fromEntries(Object.entries(counts).map(([type, c]) => [type, c + n]));

/** Dispatches one wake event on the real window or document; returns what was logged during it. */
const dispatchWake = (page, type) =>
  page.evaluate((type) => {
    const before = window.log.length;
    if (type === 'visibilitychange' || type === 'resume') document.dispatchEvent(new Event(type));
    else if (type === 'pageshow')
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    else window.dispatchEvent(new Event(type));
    return window.log.slice(before);
  }, type);

/** 1. Sleep: a jump past exp fires the overdue timer once, and it reports both events in order. */
async function sleep(browser, url) {
  const token = mintToken({ ttl: 3600 });
  const t0 = Date.now(); // after minting: the token's iat is never ahead of the page's clock
  const { context, page, uncaught } = await open(browser, url, { time: t0 });
  try {
    await page.evaluate((token) => {
      window.manager = window.track(new window.accessManager.AccessManager(token), 'm');
    }, token);
    assert.equal(
      await page.evaluate(() => Date.now() - window.manager.expires.getTime() < -59 * 60_000),
      true,
      'the 1-hour token has its hour ahead by the page clock',
    );

    await page.clock.fastForward('50:00'); // short of the warning (57 min): nothing is due
    // The constructor's token is announced a tick after \`new\` (twilio-common's behaviour).
    assert.deepEqual(await logOf(page), ['m tokenUpdated'], 'nothing else fires 50 minutes in');

    await page.clock.fastForward('11:00'); // 61 min: past the warning and past exp, in one jump
    // (A timeout here is reported by the assertion below, with what did fire.)
    await page.waitForFunction(() => window.log.length >= 3, null, { timeout: 2_000 }).catch(() => {});
    // And nothing more, on a later timer or a second run of the same one.
    await page.clock.runFor('10:00');
    const state = await page.evaluate(() => ({
      log: window.log,
      isExpired: window.manager.isExpired,
      trustedWakes: window.trustedWakes,
    }));
    assert.deepEqual(
      state.log,
      ['m tokenUpdated', 'm tokenAboutToExpire', 'm tokenExpired'],
      `after the jump past exp, in order and once each (wake events the browser sent: ${state.trustedWakes})`,
    );
    assert.equal(state.isExpired, true, 'isExpired after the jump');
    await page.evaluate(() => window.manager.destroy());
    await assertNoErrors(page, uncaught);
  } finally {
    await context.close();
  }
}

/** 2. Offline: no provider call while offline (even across fake minutes), one call on `online`. */
async function offline(browser, url, tokenServer) {
  const { context, page, uncaught } = await open(browser, url, { time: Date.now() });
  try {
    await context.setOffline(true);
    assert.equal(await page.evaluate(() => navigator.onLine), false, 'navigator.onLine is false');
    await page.evaluate(() => {
      window.trustedWakes = []; // from here on: the load's own pageshow is not counted
      window.providerCalls = [];
      window.manager = window.track(
        new window.accessManager.AccessManager(null, {
          tokenProvider: async ({ reason, signal }) => {
            window.providerCalls.push({ reason, onLine: navigator.onLine });
            const response = await fetch('/token', { signal, cache: 'no-store' });
            return response.text();
          },
        }),
        'm',
      );
    });
    // The loop re-checks navigator.onLine each time its 30 s wait ends: four times in 2 minutes.
    await page.clock.runFor('02:00');
    await page.waitForTimeout(300);
    const whileOffline = await page.evaluate(() => ({ calls: window.providerCalls, log: window.log }));
    assert.deepEqual(whileOffline, { calls: [], log: [] }, 'no provider call, no failure while offline');
    assert.equal(tokenServer.requests, 0, 'no request reached the token server while offline');

    await context.setOffline(false); // Chromium fires `online` on the window
    await page
      .waitForFunction(() => window.manager.token !== null, null, { timeout: 5_000 })
      .catch(async () => {
        const state = await page.evaluate(() => ({ calls: window.providerCalls, log: window.log }));
        throw new Error(`no token 5 s after going online: ${JSON.stringify(state)}`);
      });
    await page.waitForTimeout(300); // room for a second request, if there were one
    const after = await page.evaluate(() => ({
      calls: window.providerCalls,
      log: window.log,
      token: window.manager.token,
      trustedWakes: window.trustedWakes,
    }));
    assert.deepEqual(after.trustedWakes, ['online'], 'Chromium sent the online event');
    assert.deepEqual(after.calls, [{ reason: 'initial', onLine: true }], 'one provider call, once online');
    assert.equal(tokenServer.requests, 1, 'exactly one request to the token server');
    assert.deepEqual(after.log, ['m tokenUpdated'], 'the token was accepted');
    assert.equal(after.token, tokenServer.last, 'the manager holds the token the server sent');
    await page.evaluate(() => window.manager.destroy());
    await assertNoErrors(page, uncaught);
  } finally {
    await context.close();
  }
}

/**
 * 3 and 4. Wake listeners: the wall clock jumps with the timers held back, and each wake event
 * fires the due event during its own dispatch. After destroy() Chromium lists none of the
 * manager's listeners, and the same dispatches reach only a second, live manager.
 */
async function wakeAndDestroy(browser, url) {
  const first = mintToken({ ttl: 3600 });
  const second = mintToken({ ttl: 2 * 3600 });
  const third = mintToken({ ttl: 3 * 3600 });
  const t0 = Date.now();
  const { context, page, uncaught } = await open(browser, url, { time: t0 });
  try {
    const cdp = await context.newCDPSession(page);
    const baseline = await wakeListenerCounts(cdp);
    await page.evaluate((token) => {
      window.manager = window.track(new window.accessManager.AccessManager(token), 'm');
    }, first);
    assert.deepEqual(await wakeListenerCounts(cdp), plus(baseline, 1), 'one listener per wake event');
    assert.equal(await page.evaluate(() => document.visibilityState), 'visible');

    /** Moves Date.now to t0 + minutes with no timer run, checks nothing fired, then dispatches. */
    const wakeAt = async (minutes, type) => {
      await page.clock.setSystemTime(t0 + minutes * MINUTE_MS);
      await page.waitForTimeout(200); // real time, for any timer or stray event to show itself
      const before = await page.evaluate(() => ({ log: window.log.slice(), trusted: window.trustedWakes }));
      const during = await dispatchWake(page, type);
      return { before, during };
    };

    let step = await wakeAt(58, 'focus'); // past the warning of the 1-hour token
    assert.deepEqual(
      step.before.log,
      ['m tokenUpdated'], // the constructor's token, announced a tick after \`new\`
      `no timer fired the warning (browser wakes: ${step.before.trusted})`,
    );
    assert.deepEqual(step.during, ['m tokenAboutToExpire'], 'focus fired the warning at once');

    step = await wakeAt(61, 'visibilitychange'); // past exp
    assert.deepEqual(
      step.before.log,
      ['m tokenUpdated', 'm tokenAboutToExpire'],
      'no timer fired tokenExpired',
    );
    assert.deepEqual(
      step.during,
      ['m tokenExpired'],
      'visibilitychange (visible) fired tokenExpired at once',
    );
    assert.equal(await page.evaluate(() => window.manager.isExpired), true);

    await page.evaluate((token) => window.manager.updateToken(token), second); // lives 2 h from t0
    step = await wakeAt(118, 'pageshow');
    assert.deepEqual(step.during, ['m tokenAboutToExpire'], 'pageshow fired the warning at once');
    step = await wakeAt(121, 'online');
    assert.deepEqual(step.during, ['m tokenExpired'], 'online fired tokenExpired at once');
    assert.deepEqual(
      await logOf(page),
      [
        'm tokenUpdated',
        'm tokenAboutToExpire',
        'm tokenExpired',
        'm tokenUpdated',
        'm tokenAboutToExpire',
        'm tokenExpired',
      ],
      'each event once, in order',
    );

    // 4. A token with events still ahead, then destroy(); a second manager is the live control.
    await page.evaluate((token) => {
      window.manager.updateToken(token);
      window.control = window.track(new window.accessManager.AccessManager(token), 'control');
      window.manager.destroy();
    }, third);
    assert.deepEqual(await wakeListenerCounts(cdp), plus(baseline, 1), 'destroy() removed its listeners');
    await page.clock.setSystemTime(t0 + 4 * 60 * MINUTE_MS); // past the third token's exp
    const logged = [];
    for (const type of WAKE_TYPES) logged.push(...(await dispatchWake(page, type)));
    assert.deepEqual(
      logged,
      ['control tokenAboutToExpire', 'control tokenExpired'],
      'the destroyed manager heard nothing; the live one heard the first wake',
    );
    await page.evaluate(() => window.control.destroy());
    assert.deepEqual(await wakeListenerCounts(cdp), baseline, 'no wake listener left');
    await assertNoErrors(page, uncaught);
  } finally {
    await context.close();
  }
}

/**
 * 5. Suspend with no wake signal (issue #14): a 60-minute token, the laptop closed from minute 1
 * to minute 33 (setSystemTime: the timers stand still, no event). The alarm steps at most two
 * minutes, so the refresh still comes at minute 57, its moment; the halving alarm's timer, armed
 * at minute 0 for minute 28.5, would have fired at minute 60.5, past exp.
 */
async function suspendWithoutWake(browser, url, tokenServer) {
  const token = mintToken({ ttl: 3600 });
  const t0 = Date.now();
  const { context, page, uncaught } = await open(browser, url, { time: t0 });
  try {
    const requestsBefore = tokenServer.requests;
    await page.evaluate(
      ({ token, t0 }) => {
        window.providerCalls = [];
        window.manager = window.track(
          new window.accessManager.AccessManager(token, {
            // The fake minutes run far faster than the real fetch: no time limit within them.
            refreshTimeoutMs: 10 * 60_000,
            tokenProvider: async ({ reason, signal }) => {
              window.providerCalls.push({ reason, atMinute: (Date.now() - t0) / 60_000 });
              // The server mints by the real clock, 57 fake minutes behind: two hours, to last.
              return (await fetch('/token?ttl=7200', { signal, cache: 'no-store' })).text();
            },
          }),
          'm',
        );
      },
      { token, t0 },
    );
    await page.clock.runFor('01:00');
    await page.clock.setSystemTime(t0 + 33 * MINUTE_MS); // 32 minutes asleep, timers held
    await page.clock.runFor('26:00'); // the wall clock reads minute 59
    await page
      // The second tokenUpdated: the first is the constructor's token, a tick after \`new\`.
      .waitForFunction(() => window.log.filter((e) => e === 'm tokenUpdated').length >= 2, null, {
        timeout: 5_000,
      })
      .catch(() => {});
    const state = await page.evaluate(() => ({ calls: window.providerCalls, log: window.log }));
    assert.equal(state.calls.length, 1, `one provider call before exp: ${JSON.stringify(state)}`);
    assert.equal(state.calls[0].reason, 'about-to-expire');
    assert.ok(
      state.calls[0].atMinute > 56.9 && state.calls[0].atMinute < 58,
      `asked at minute 57: ${state.calls[0].atMinute}`,
    );
    assert.deepEqual(
      state.log,
      ['m tokenUpdated', 'm tokenAboutToExpire', 'm tokenUpdated'],
      'no tokenExpired',
    );
    assert.equal(tokenServer.requests, requestsBefore + 1);
    await page.evaluate(() => window.manager.destroy());
    await assertNoErrors(page, uncaught);
  } finally {
    await context.close();
  }
}

export default async function run({ browser, root }) {
  const tokenServer = { requests: 0, last: null };
  const server = await serve(root, {
    '/wake.html': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE),
    '/token': (req, res) => {
      tokenServer.requests += 1;
      // ?ttl= for a page whose fake clock runs far ahead of the real one the server mints by.
      const ttl = Number(new URL(req.url, 'http://localhost').searchParams.get('ttl') ?? 3600);
      tokenServer.last = mintToken({ ttl });
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end(tokenServer.last);
    },
  });
  try {
    await sleep(browser, server.url);
    await offline(browser, server.url, tokenServer);
    await wakeAndDestroy(browser, server.url);
    await suspendWithoutWake(browser, server.url, tokenServer);
  } finally {
    await server.close();
  }
}
