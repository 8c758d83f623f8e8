// Each token's life drawn in SVG, from the activity record: when it was issued, when the warning
// was due, when the provider was asked for the next one, when it expires, failed attempts, and now.
import { decodeAccessToken } from 'access-token-manager';
import { useActivity } from './activity.js';
import { useNow } from './useNow.js';

const WIDTH = 760;
const LEFT = 70;
const RIGHT = 70;
const TOP = 26;
const ROW = 46;
const SHOWN = 4;

/** When `token` was issued (its iat), in milliseconds; `fallbackMs` for a token without one. */
function issuedAtMs(token, fallbackMs) {
  try {
    return decodeAccessToken(token, { nowMs: false }).issuedAt?.getTime() ?? fallbackMs;
  } catch {
    return fallbackMs;
  }
}

/** The lives of the tokens, oldest first, read from the activity record. */
function tokenLives(entries, aboutToExpireMs) {
  const lives = [];
  const failuresBeforeFirst = [];
  for (const entry of entries) {
    const current = lives[lives.length - 1];
    if (entry.kind === 'tokenUpdated') {
      if (current) current.replacedMs = entry.atMs;
      lives.push({
        issuedMs: issuedAtMs(entry.token, entry.atMs),
        expiresMs: entry.expiresMs,
        warningMs: entry.expiresMs - aboutToExpireMs,
        askedMs: null,
        replacedMs: null,
        failures: lives.length === 0 ? failuresBeforeFirst : [],
      });
    } else if (entry.kind === 'asked' && current && current.askedMs === null) {
      current.askedMs = entry.atMs;
    } else if (entry.kind === 'refreshFailed') {
      (current?.failures ?? failuresBeforeFirst).push(entry.atMs);
    }
  }
  return lives;
}

function Tick({ x, y, color, label, showLabel, below = false }) {
  return (
    <g>
      <line x1={x} x2={x} y1={y - 9} y2={y + 9} stroke={color} strokeWidth="2">
        <title>{label}</title>
      </line>
      {showLabel && (
        <text x={x} y={below ? y + 19 : y - 12} fill={color} fontSize="10" textAnchor="middle">
          {label}
        </text>
      )}
    </g>
  );
}

export function Timeline({ aboutToExpireMs }) {
  const nowMs = useNow(500);
  const lives = tokenLives(useActivity(), aboutToExpireMs).slice(-SHOWN);
  if (lives.length === 0) return <p className="muted">Waiting for the first token…</p>;

  const startMs = Math.min(...lives.map((life) => Math.min(life.issuedMs, ...life.failures)));
  const endMs = Math.max(nowMs, ...lives.map((life) => life.expiresMs));
  const spanMs = (endMs - startMs) * 1.04 || 1;
  const x = (ms) => LEFT + ((ms - startMs) / spanMs) * (WIDTH - LEFT - RIGHT);
  const height = TOP + lives.length * ROW + 18;
  const time = (ms) => new Date(ms).toLocaleTimeString();

  return (
    <figure className="timeline">
      <svg
        id="timeline"
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        role="img"
        aria-label="Token timeline"
      >
        {lives.map((life, index) => {
          const y = TOP + index * ROW + ROW / 2;
          const newest = index === lives.length - 1;
          const endOfUseMs = Math.min(life.replacedMs ?? nowMs, life.expiresMs);
          return (
            <g key={life.issuedMs + ':' + life.expiresMs}>
              <text x={4} y={y + 4} fontSize="11" fill="#666">
                {newest ? 'current' : `token −${lives.length - index - 1}`}
              </text>
              <rect
                x={x(life.issuedMs)}
                y={y - 5}
                width={x(life.expiresMs) - x(life.issuedMs)}
                height={10}
                fill="#e4e4e4"
                rx="3"
              />
              <rect
                x={x(life.issuedMs)}
                y={y - 5}
                width={Math.max(0, x(Math.min(endOfUseMs, life.warningMs)) - x(life.issuedMs))}
                height={10}
                fill="#2e9d5b"
                rx="3"
              />
              {endOfUseMs > life.warningMs && (
                <rect
                  x={x(life.warningMs)}
                  y={y - 5}
                  width={x(endOfUseMs) - x(life.warningMs)}
                  height={10}
                  fill="#e0a100"
                />
              )}
              <Tick
                x={x(life.issuedMs)}
                y={y}
                color="#2e9d5b"
                label={`issued ${time(life.issuedMs)}`}
                showLabel={newest}
              />
              <Tick
                x={x(life.warningMs)}
                y={y}
                color="#b07d00"
                label={`warning ${time(life.warningMs)}`}
                showLabel={newest}
              />
              {life.askedMs !== null && (
                <Tick
                  x={x(life.askedMs)}
                  y={y}
                  color="#1f5fbf"
                  label={`refresh ${time(life.askedMs)}`}
                  showLabel
                  below
                />
              )}
              <Tick
                x={x(life.expiresMs)}
                y={y}
                color="#b00020"
                label={`expiry ${time(life.expiresMs)}`}
                showLabel={newest}
              />
              {life.failures.map((failedMs) => (
                <text
                  key={failedMs}
                  x={x(failedMs)}
                  y={y + 4}
                  fontSize="13"
                  fill="#b00020"
                  textAnchor="middle"
                >
                  ×<title>{`failed attempt ${time(failedMs)}`}</title>
                </text>
              ))}
            </g>
          );
        })}
        <line x1={x(nowMs)} x2={x(nowMs)} y1={TOP - 4} y2={height - 14} stroke="#222" strokeDasharray="3 3" />
        <text x={x(nowMs)} y={height - 3} fontSize="10" textAnchor="middle">
          now
        </text>
      </svg>
      <figcaption className="legend">
        <span className="valid">valid</span> <span className="warning">after the warning</span>{' '}
        <span className="unused">not used: replaced</span>{' '}
        <span className="refresh">refresh: provider asked</span>{' '}
        <span className="failed">× failed attempt</span>
      </figcaption>
    </figure>
  );
}
