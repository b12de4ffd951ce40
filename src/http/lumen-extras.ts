// How Lumen's own figures ride along with a protocol's body: a `lumen` object beside the standard
// fields and the cost fields inside `usage`. Clients ignore fields they do not know, so the
// official SDKs keep working and can still read them.
import type { LumenExtras } from '../gateway/request-record.ts';

/** The standard body plus Lumen's `lumen` object and cost fields in `usage`. */
export function withExtras<Body extends object>(body: Body, extras: LumenExtras): Body & { lumen: LumenExtras['lumen'] } {
  const usage = (body as { usage?: object | null }).usage;
  const withCosts = usage === undefined || usage === null ? {} : { usage: { ...usage, ...extras.usageCosts } };
  return { ...body, ...withCosts, lumen: extras.lumen };
}
