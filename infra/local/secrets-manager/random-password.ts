import { randomInt } from 'node:crypto';
import { SecretsManagerServiceError } from './errors.js';

export interface RandomPasswordOptions {
  readonly length?: number;
  readonly excludeCharacters?: string;
  readonly excludeNumbers?: boolean;
  readonly excludePunctuation?: boolean;
  readonly excludeUppercase?: boolean;
  readonly excludeLowercase?: boolean;
  readonly includeSpace?: boolean;
  readonly requireEachIncludedType?: boolean;
}

const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** GetRandomPassword with AWS's defaults: 32 characters, every class included and each one present. */
export function randomPassword(options: RandomPasswordOptions = {}): string {
  const length = options.length ?? 32;
  if (!Number.isInteger(length) || length < 1 || length > 4096) {
    throw new SecretsManagerServiceError('InvalidParameterException', 'PasswordLength must be between 1 and 4096');
  }
  const excluded = new Set(options.excludeCharacters ?? '');
  const classes = [
    options.excludeLowercase ? '' : 'abcdefghijklmnopqrstuvwxyz',
    options.excludeUppercase ? '' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    options.excludeNumbers ? '' : '0123456789',
    options.excludePunctuation ? '' : PUNCTUATION,
    options.includeSpace ? ' ' : '',
  ]
    .map((chars) => [...chars].filter((char) => !excluded.has(char)).join(''))
    .filter((chars) => chars.length > 0);
  const all = classes.join('');
  const requireEach = options.requireEachIncludedType ?? true;
  if (all.length === 0 || (requireEach && classes.length > length)) {
    throw new SecretsManagerServiceError(
      'InvalidParameterException',
      'no password satisfies these options: include more character types or make it longer',
    );
  }
  const pick = (chars: string): string => chars[randomInt(chars.length)] as string;
  const chars = requireEach ? classes.map(pick) : [];
  while (chars.length < length) chars.push(pick(all));
  // Shuffle so the required characters are not always first.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}
