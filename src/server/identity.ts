// The identity of a token, checked by the core's rules before anything is signed: what the client
// or an SDK would refuse is refused here, with the rule it breaks and the characters that break it.
import { findIdentityFault, type IdentityRule } from 'access-token-manager';
import { invalidServerOption } from './invalid';

// What an identity must be, by the platform rule it breaks.
const IDENTITY_EXPECTED: Record<IdentityRule, string> = {
  'control-character': 'without control characters',
  'lone-surrogate': 'well-formed text (no lone surrogate)',
  'bidi-mark': 'without bidirectional marks',
  'voice-characters': 'letters, digits and underscores only with a Voice grant',
};

/** A character for an error message, as its code point: U+000A, U+202E. */
const showCharacter = (character: string): string =>
  `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * @internal Refuses an identity the client or an SDK would refuse, by the core's identity rules:
 * control characters, lone surrogates, bidi marks, and with a Voice grant anything but letters,
 * digits and underscores.
 * @throws {@link AccessTokenError} `invalid-server-option` naming the rule and the characters.
 */
export function checkIdentity(identity: string, voice: boolean, field: string): void {
  const fault = findIdentityFault(identity, voice);
  if (fault === null) return;
  throw invalidServerOption(
    field,
    IDENTITY_EXPECTED[fault.rule],
    `an identity of ${identity.length} characters with ${fault.characters.map(showCharacter).join(', ')}`,
  );
}
