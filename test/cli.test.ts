import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { TwilioError } from '@twilio/voice-sdk';
import { mintToken, signatureOf } from './support/tokens.js';

// The CLI runs the build, as users get it: `npm run build` first.
const BIN = fileURLToPath(new URL('../bin/access-token-manager.js', import.meta.url));
const BUILD = fileURLToPath(new URL('../dist/inspect.js', import.meta.url));
const ESCAPE = '\u001b[';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/access-token-manager.js …args` in a child process, with `input` on standard input. */
function cli(args: string[], input = '', env: Record<string, string> = {}): Run {
  const { status, stdout, stderr } = spawnSync(process.execPath, [BIN, ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '', ...env },
    timeout: 20_000,
  });
  return { status, stdout, stderr };
}

beforeAll(() => {
  if (!existsSync(BUILD)) throw new Error('test/cli.test.ts runs the build: run `npm run build` first.');
});

describe('access-token-manager inspect', () => {
  it('prints a readable report and exits 0 for a good token', () => {
    const token = mintToken({ grants: ['chat'] });
    const { status, stdout } = cli(['inspect', token]);
    expect(status).toBe(0);
    expect(stdout).toContain('Access token inspection: ✔ No problems found.');
    expect(stdout).toMatch(/Header\s+\{"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1"\}/);
    expect(stdout).toMatch(/"identity": "alice"/);
    expect(stdout).toMatch(/lifetime\s+1 h 0 min/);
    expect(stdout).not.toContain(signatureOf(token));
  });

  it('exits 1 for warnings and 2 for errors', () => {
    const short = cli(['inspect', mintToken({ ttl: 60 })]);
    expect(short.status).toBe(1);
    expect(short.stdout).toContain('▲ warning · ttl-too-short');

    const long = cli(['inspect', mintToken({ ttl: 3_600_000 })]);
    expect(long.status).toBe(2);
    // One mistake, one error: ttl-in-ms names the cause of the core's ttl-too-long.
    expect(long.stdout).toContain('✖ error · 20157 · ttl-in-ms');
    expect(long.stdout).not.toContain('ttl-too-long');
    expect(long.stdout).toContain('→ On your token server, give ttl in seconds (3600), not milliseconds.');
  });

  it('reads the token from standard input, without the line break echo adds', () => {
    const token = mintToken();
    for (const args of [['inspect'], ['inspect', '-']]) {
      const { status, stdout } = cli(args, `${token}\n`);
      expect(status).toBe(0);
      expect(stdout).toContain('No problems found');
      expect(stdout).not.toContain(signatureOf(token));
    }
    expect(cli(['inspect'], `${token}\n\n`).stdout).toContain('whitespace');
  });

  it('prints JSON with --json, without the signature', () => {
    const token = mintToken({ grants: ['chat'] });
    const { status, stdout } = cli(['inspect', '--json', '--for', 'voice'], token);
    expect(status).toBe(2);
    const inspection = JSON.parse(stdout);
    expect(Object.keys(inspection).sort()).toEqual(
      ['findings', 'header', 'nowMs', 'payload', 'received', 'status', 'times'].sort(),
    );
    expect(inspection.status).toBe('error');
    expect(inspection.payload).toMatchObject({ grants: { identity: 'alice' } });
    expect(inspection.times).toMatchObject({ lifetime: '1 h 0 min', lifetimeSeconds: 3600 });
    expect(inspection.findings).toEqual([
      {
        severity: 'error',
        code: 20106,
        reason: 'client-missing-grant',
        message: 'Client "Voice SDK" needs the voice grant, missing from the token.',
        remedy: 'On your token server, add the voice grant.',
      },
    ]);
    expect(stdout).not.toContain(signatureOf(token));
  });

  it('takes --for taskRouter in any case, naming the TaskRouter Worker grant it needs', () => {
    const token = mintToken({ grants: ['chat'] });
    for (const sdk of ['taskRouter', 'taskrouter', 'voice,TASKROUTER']) {
      const { status, stdout } = cli(['inspect', '--json', '--for', sdk], token);
      expect(status, sdk).toBe(2);
      const messages = JSON.parse(stdout).findings.map(({ message }: { message: string }) => message);
      expect(messages).toContain(
        'Client "TaskRouter Worker" needs the task_router grant, missing from the token.',
      );
    }
    expect(cli(['--help']).stdout).toMatch(/--for <sdk>.*taskRouter/);
  });

  it('judges the token at --now, given in ISO 8601 or in epoch seconds', () => {
    const token = mintToken({ ttl: 3600 });
    const exp = JSON.parse(cli(['inspect', '--json', token]).stdout).payload.exp as number;
    const later = new Date((exp + 600) * 1000).toISOString();
    for (const now of [later, String(exp + 600)]) {
      const { status, stdout } = cli(['inspect', '--json', `--now=${now}`], token);
      expect(status).toBe(2);
      const { nowMs, findings, times } = JSON.parse(stdout);
      expect(nowMs).toBe((exp + 600) * 1000);
      expect(findings[0]).toMatchObject({
        reason: 'expired',
        code: 20104,
        message: 'The token expired 10 min 0 s ago.',
      });
      expect(times.left).toBe('none: expired 10 min 0 s ago');
    }
  });

  it('explains what was passed instead of a token', () => {
    const page = cli(['inspect'], '<!doctype html><title>404 Not Found</title>');
    expect(page.status).toBe(2);
    expect(page.stdout).toContain('html-instead-of-token');
    expect(page.stdout).toContain('"404 Not Found"');
    const bearer = cli(['inspect', `Bearer ${mintToken()}`]);
    expect(bearer.stdout).toContain('bearer-prefix');
  });

  it('never prints a token or an e-mail address given as a key of JSON', () => {
    const token = mintToken();
    for (const args of [['inspect'], ['inspect', '--json']]) {
      const { status, stdout } = cli(args, JSON.stringify({ [token]: 1, 'alice@example.com': 2 }));
      expect(status).toBe(2);
      expect(stdout).toContain('2 keys');
      expect(stdout).not.toContain(token.slice(0, 40));
      expect(stdout).not.toContain(signatureOf(token));
      expect(stdout).not.toContain('alice@example.com');
    }
  });

  it('reports on 384 KB made to make a regular expression backtrack (many "<title") at once', () => {
    const startedMs = performance.now();
    const { status } = cli(['inspect'], '<html>' + '<title'.repeat(65_536));
    // The old scan took 2.5 s of CPU for half as much (quadratic: 10 s for this); the generous
    // bound (a child process costs 0.3 s) pins its complexity, not this machine's speed.
    expect(performance.now() - startedMs).toBeLessThan(3_000);
    expect(status).toBe(2);
  });

  it('prints no colour codes when standard output is not a terminal', () => {
    const { stdout } = cli(['inspect', mintToken({ ttl: 3_600_000 })], '', { NO_COLOR: '' });
    expect(stdout).toContain('✖ error');
    expect(stdout).not.toContain(ESCAPE);
  });

  // util-linux `script` runs the CLI on a pseudo-terminal, where colours belong unless NO_COLOR is set.
  it.skipIf(spawnSync('script', ['--version']).status !== 0)(
    'colours the report on a terminal, unless NO_COLOR is set',
    () => {
      const command = `"${process.execPath}" "${BIN}" inspect ${mintToken({ ttl: 60 })}`;
      const onTerminal = (env: Record<string, string>): string =>
        spawnSync('script', ['-qec', command, '/dev/null'], {
          encoding: 'utf8',
          env: { ...process.env, NO_COLOR: '', ...env },
          timeout: 20_000,
        }).stdout;
      expect(onTerminal({})).toContain(`${ESCAPE}33m▲ warning`);
      expect(onTerminal({ NO_COLOR: '1' })).not.toContain(ESCAPE);
    },
  );

  it('shows help with --help and exits 0', () => {
    const { status, stdout } = cli(['--help']);
    expect(status).toBe(0);
    expect(stdout).toContain('Usage: access-token-manager inspect [token | -] [options]');
    expect(stdout).toContain('--json');
    expect(cli(['inspect', '-h']).status).toBe(0);
  });

  it('refuses wrong usage with exit code 64, never echoing what might be a token', () => {
    const token = mintToken();
    for (const args of [
      ['inspect', `--token=${token}`],
      ['inspect', token, token],
      ['check', token],
      ['inspect', '--now', 'yesterday', token],
      ['inspect', '--for', 'fax', token],
    ]) {
      const { status, stdout, stderr } = cli(args);
      expect(status, args.join(' ')).toBe(64);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^access-token-manager: /);
      expect(stderr).not.toContain(token.split('.')[1]);
    }
  });
});

describe('access-token-manager explain', () => {
  it.each([
    [
      '31204',
      /Twilio error 31204 · Invalid JWT token: an access token error \(reason malformed, code 20101\)/,
    ],
    ['20104', /Twilio error 20104 · Access token expired or expiration date invalid/],
  ])('explains %s from an argument: meaning, causes, remedy, which SDK; exit 2', (code, heading) => {
    const { status, stdout } = cli(['explain', code]);
    expect(status).toBe(2);
    expect(stdout).toMatch(heading);
    expect(stdout).toMatch(/Raised by\s+\S/);
    expect(stdout).toMatch(/Means\s+(The token|Twilio could not read it)/);
    expect(stdout).toMatch(/Causes\s+1\. /);
    expect(stdout).toMatch(/Remedy\s+In your client code, /);
  });

  it('reads a Sync error as JSON from standard input', () => {
    const { status, stdout } = cli(
      ['explain'],
      '{"code":51130,"status":400,"message":"Updated token was rejected by server"}\n',
    );
    expect(status).toBe(2);
    expect(stdout).toContain(
      'Twilio error 51130 · Updated token was rejected by server: an access token error.',
    );
    expect(stdout).toMatch(/Raised by\s+Sync SDK/);
    expect(stdout).toMatch(/Remedy\s+On your token server, /);
  });

  it("reads a Voice TwilioError's JSON from standard input, as the SDK makes it", () => {
    const { AuthorizationErrors } = TwilioError as unknown as {
      AuthorizationErrors: { JWTTokenExpiredError: new () => Error };
    };
    const pasted = JSON.stringify(new AuthorizationErrors.JWTTokenExpiredError(), null, 2);
    const { status, stdout } = cli(['explain', '-'], pasted);
    expect(status).toBe(2);
    expect(stdout).toContain('Twilio error 31205 · JWT token expired');
    expect(stdout).toMatch(/Means\s+The token expired/);
    expect(stdout).toMatch(/Remedy\s+In your client code, fetch a new token/);
  });

  it('prints the explanation as JSON with --json', () => {
    const { status, stdout } = cli(['explain', '--json', '31207']);
    expect(status).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ code: 31207, platformCode: 20157, reason: 'ttl-too-long' });
  });

  it('says an unrelated code is not a token error, and exits 0', () => {
    const { status, stdout } = cli(['explain', '31000']);
    expect(status).toBe(0);
    expect(stdout).toContain('Twilio error 31000 · Not a token error.');
    expect(stdout).toContain('https://www.twilio.com/docs/api/errors/31000');
  });

  it('refuses garbage with exit code 64 and the usage, never echoing what might be a token', () => {
    const token = mintToken();
    for (const [args, input] of [
      [['explain', 'garbage'], ''],
      [['explain'], 'no code in here\n'],
      [['explain'], token],
      [['explain', token], ''],
      [['explain', '31204', '20104'], ''],
      [['explain', '--for', 'voice', '31204'], ''],
    ] as [string[], string][]) {
      const { status, stdout, stderr } = cli(args, input);
      expect(status, args.join(' ')).toBe(64);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^access-token-manager: .*\nUsage: access-token-manager inspect/);
      expect(stderr).toContain('access-token-manager explain [code | -]');
      expect(stderr).not.toContain(token.split('.')[1]);
      expect(stderr).not.toContain('garbage');
    }
  }, 60_000);
});
