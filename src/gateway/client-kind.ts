// Which client a request comes from, by its User-Agent, so a key group can be limited to one
// tool (for example Claude Code only). A User-Agent is the client's claim, not a proof: groups
// narrow what a key is for; the key itself stays the credential.
export const CLIENT_KINDS = ['claude-code', 'codex', 'openai-sdk', 'anthropic-sdk', 'other'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];

const PATTERNS: ReadonlyArray<readonly [RegExp, ClientKind]> = [
  [/^claude-cli\//i, 'claude-code'],
  [/^codex[_-]/i, 'codex'],
  [/^OpenAI\//, 'openai-sdk'],
  [/^Anthropic\//, 'anthropic-sdk'],
];

export function clientKindOf(userAgent: string | undefined): ClientKind {
  if (userAgent === undefined) return 'other';
  for (const [pattern, kind] of PATTERNS) if (pattern.test(userAgent)) return kind;
  return 'other';
}
