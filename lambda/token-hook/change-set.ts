import { jsonValueProblem } from './json-value.js';
import { claimProblem, lifetimeProblem, removalProblem, TOKEN_KINDS, type TokenKind } from './reserved-claims.js';

/**
 * The one description of what the hook wants to change, produced by the declarative rules and by the
 * user's transform alike, and encoded once into Okta commands. Later edits win over earlier ones.
 */
export interface TokenChanges {
  /** Claims to set, in the order first set. */
  readonly set: Map<string, unknown>;
  readonly remove: Set<string>;
  lifetime: number | undefined;
}

export interface ChangeSet {
  readonly access: TokenChanges;
  readonly identity: TokenChanges;
  /** Set by `deny(summary)`: Okta issues no token and shows the summary to the client. */
  denial: string | undefined;
}

/** Edits one token. Throws `ClaimEditError` for a change Okta would refuse. */
export interface TokenEditor {
  set(claim: string, value: unknown): TokenEditor;
  remove(claim: string): TokenEditor;
  /** Token lifetime in seconds, 300..86400. */
  lifetime(seconds: number): TokenEditor;
}

export interface HookEditor {
  readonly access: TokenEditor;
  readonly identity: TokenEditor;
  /** Refuses the token: Okta answers the client with `server_error` and this summary. */
  deny(summary: string): void;
}

/** A change Okta would refuse, requested by a rule or the transform; a bug in the claim logic. */
export class ClaimEditError extends Error {
  override readonly name = 'ClaimEditError';
}

export function createChangeSet(): ChangeSet {
  const empty = (): TokenChanges => ({ set: new Map(), remove: new Set(), lifetime: undefined });
  return { access: empty(), identity: empty(), denial: undefined };
}

export function isEmpty(changes: ChangeSet): boolean {
  return TOKEN_KINDS.every((kind) => {
    const token = changes[kind];
    return token.set.size === 0 && token.remove.size === 0 && token.lifetime === undefined;
  });
}

/** Sets a claim with no check: for callers whose names and values are checked already (the rules, by the config schema). */
export function setClaim(changes: TokenChanges, claim: string, value: unknown): void {
  changes.remove.delete(claim);
  changes.set.set(claim, value);
}

export function removeClaim(changes: TokenChanges, claim: string): void {
  changes.set.delete(claim);
  changes.remove.add(claim);
}

function tokenEditor(kind: TokenKind, changes: TokenChanges): TokenEditor {
  const editor: TokenEditor = {
    set(claim, value) {
      const problem = claimProblem(kind, claim);
      if (problem) throw new ClaimEditError(`cannot set claim: ${problem}`);
      if (value === undefined || value === null || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
        throw new ClaimEditError(`cannot set claim '${claim}': the value must be JSON other than null (use remove to drop a claim)`);
      }
      const notJson = jsonValueProblem(value);
      if (notJson) throw new ClaimEditError(`cannot set claim '${claim}': ${notJson}`);
      setClaim(changes, claim, value);
      return editor;
    },
    remove(claim) {
      const problem = removalProblem(kind, claim);
      if (problem) throw new ClaimEditError(`cannot remove claim: ${problem}`);
      removeClaim(changes, claim);
      return editor;
    },
    lifetime(seconds) {
      const problem = lifetimeProblem(seconds);
      if (problem) throw new ClaimEditError(`cannot change the ${kind} token ${problem}`);
      changes.lifetime = seconds;
      return editor;
    },
  };
  return editor;
}

export function editorFor(changes: ChangeSet): HookEditor {
  return {
    access: tokenEditor('access', changes.access),
    identity: tokenEditor('identity', changes.identity),
    deny(summary) {
      changes.denial = String(summary).slice(0, 1_000) || 'the token request was denied';
    },
  };
}
