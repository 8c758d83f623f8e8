#!/usr/bin/env node
// access-token-manager inspect: explains a Twilio access token on the command line. The token comes
// from an argument or, to keep it out of shell history, from standard input. The report never
// shows the signature. access-token-manager explain: explains an SDK's error (its code, or the
// error as JSON or text). Exit code: 0 ok (or not a token error), 1 warnings, 2 errors (or a token
// error), 64 wrong usage.
import { parseArgs } from 'node:util';
import {
  explainError,
  formatExplanation,
  formatInspection,
  inspectAccessToken,
  SDK_NAMES,
} from '../dist/inspect.js';

const EXIT = { ok: 0, warning: 1, error: 2, usage: 64 };

const USAGE = `Usage: access-token-manager inspect [token | -] [options]
       access-token-manager explain [code | -] [--json]
`;

const HELP = `${USAGE}
Explains a Twilio access token: decodes it (never showing the signature), puts its
times into words, and lists every problem with its cause and remedy.

The token is read from standard input when it is "-" or left out, which keeps it out
of your shell history:
  echo "$TOKEN" | npx access-token-manager inspect
  pbpaste | npx access-token-manager inspect --for voice

access-token-manager explain [code | -]

Explains an error an SDK or Twilio's API raised: whether it is about the access token
and, if so, what its code means, the likely causes, the remedy and which SDK raised it.
Give the code, or the error (a Voice TwilioError, a connectionError, a SyncError, a REST
error body) as JSON or text on standard input:
  npx access-token-manager explain 31204
  echo '{"code":51130,"status":400}' | npx access-token-manager explain

Options:
  --json               print the inspection (or the explanation) as JSON
  --now <time>         judge the token at this time: ISO 8601, or seconds since the epoch
  --for <sdk>[,<sdk>]  check the grants for these SDKs: ${SDK_NAMES.join(', ')}
  -h, --help           show this help

Exit code: 0 no problems (or not a token error), 1 warnings, 2 errors (or a token
error), 64 wrong usage (or no error code found).
`;

class UsageError extends Error {}

/** Parses `--now`: seconds since the epoch (what JWTs use) or an ISO 8601 date. */
function parseNow(text) {
  const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : Date.parse(text);
  if (!Number.isFinite(ms)) throw new UsageError('--now takes an ISO 8601 date or seconds since the epoch.');
  return ms;
}

/** Parses `--for`: SDK names, in any case (`taskrouter` is `taskRouter`). */
function parseSdks(text) {
  const sdks = text
    .split(',')
    .map((word) => SDK_NAMES.find((sdk) => sdk.toLowerCase() === word.trim().toLowerCase()));
  if (sdks.includes(undefined)) {
    throw new UsageError(`--for takes one or more of: ${SDK_NAMES.join(', ')}.`);
  }
  return sdks;
}

const OPTIONS = {
  json: { type: 'boolean' },
  now: { type: 'string' },
  for: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/**
 * Node's parser, strict. Its messages quote the argument, which may be a token pasted in the
 * wrong place, so they are never shown: each kind of mistake gets a message of our own.
 */
function parseStrictly(argv) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    if (error?.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = ['--now', '--for', '--json', '--help'].find((option) =>
        error.message.includes(`'${option}`),
      );
      throw new UsageError(
        name === '--now' || name === '--for'
          ? `${name} needs a value.`
          : `${name ?? 'An option'} takes no value.`,
      );
    }
    if (typeof error?.code === 'string' && error.code.startsWith('ERR_PARSE_ARGS_')) {
      throw new UsageError('Unknown option (see --help).');
    }
    throw error;
  }
}

function parseArguments(argv) {
  const { values, positionals } = parseStrictly(argv);
  const options = {
    json: values.json ?? false,
    help: values.help ?? false,
    now: values.now === undefined ? undefined : parseNow(values.now),
    forSdk: values.for === undefined ? undefined : parseSdks(values.for),
  };
  const [command, token, ...extra] = positionals;
  if (options.help || command === 'help') return { ...options, help: true };
  if (command !== 'inspect' && command !== 'explain') {
    throw new UsageError('The commands are "inspect" and "explain".');
  }
  const what = command === 'inspect' ? 'token' : 'error';
  if (extra.length > 0) throw new UsageError(`Give one ${what} at most.`);
  if (command === 'explain' && (options.now !== undefined || options.forSdk !== undefined)) {
    throw new UsageError('explain takes no --now or --for.');
  }
  return { ...options, command, token };
}

async function readStandardInput() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  // `echo` adds one line break: that one is the shell's, not the token's.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function main(argv) {
  const options = parseArguments(argv);
  if (options.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  if (options.command === 'explain') return explain(options);
  let token = options.token;
  if (token === undefined || token === '-') {
    if (token === undefined && process.stdin.isTTY) {
      throw new UsageError(
        'Give the token on standard input (echo "$TOKEN" | access-token-manager inspect).',
      );
    }
    token = await readStandardInput();
  } else if (process.stderr.isTTY) {
    process.stderr.write('Tip: pipe the token on standard input to keep it out of your shell history.\n');
  }
  const inspection = inspectAccessToken(token, {
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.forSdk === undefined ? {} : { forSdk: options.forSdk }),
  });
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  process.stdout.write(
    options.json ? JSON.stringify(inspection, null, 2) + '\n' : formatInspection(inspection, { color }),
  );
  return EXIT[inspection.status];
}

/** The explain command: exit 2 for a token error, 0 for another error, 64 when there is no code. */
async function explain(options) {
  let error = options.token;
  if (error === undefined || error === '-') {
    if (error === undefined && process.stdin.isTTY) {
      throw new UsageError('Give an error code, or the error on standard input.');
    }
    error = await readStandardInput();
  }
  const explanation = explainError(error);
  // Its message names what was found, never the input (which may hold a token).
  if (!explanation.isTokenError && explanation.code === null) throw new UsageError(explanation.meaning);
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  process.stdout.write(
    options.json ? JSON.stringify(explanation, null, 2) + '\n' : formatExplanation(explanation, { color }),
  );
  return EXIT[explanation.status];
}

// A reader that stops early (`| head`) is not an error.
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`access-token-manager: ${error.message}\n${USAGE}`);
    process.exitCode = EXIT.usage;
  },
);
