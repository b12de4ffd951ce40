// The plans an account can be on: what it costs, what it includes and what it may do. Pure data;
// prices and caps are integer micro-dollars (or cents for what Stripe charges).
import type { Micros } from './money.ts';

export const PLAN_NAMES = ['free', 'starter', 'pro', 'scale', 'enterprise'] as const;
export type PlanName = (typeof PLAN_NAMES)[number];

export const PLAN_FEATURES = ['observability', 'brand_pref', 'fallbacks', 'router_api', 'groups', 'priority_support',
  'audit_exports', 'sso'] as const;
export type PlanFeature = (typeof PLAN_FEATURES)[number];

export type Tier = 'nano' | 'small' | 'mid' | 'high';

export interface Plan {
  name: PlanName;
  title: string;
  /** Monthly price; null for a negotiated contract. */
  priceCentsMonthly: number | null;
  /** Credits granted when the plan starts and at each paid renewal. */
  includedCreditsMicros: Micros;
  requestsPerMinute: number;
  tokensPerMinute: number;
  /** Charges in one calendar month (UTC) never exceed this; null: no cap. */
  monthlySpendCapMicros: Micros | null;
  allowedTiers: readonly Tier[];
  features: readonly PlanFeature[];
}

const ALL_TIERS: readonly Tier[] = ['nano', 'small', 'mid', 'high'];

export const PLANS: readonly Plan[] = [
  { name: 'free', title: 'Free', priceCentsMonthly: 0, includedCreditsMicros: 1_000_000, requestsPerMinute: 20,
    tokensPerMinute: 40_000, monthlySpendCapMicros: 5_000_000, allowedTiers: ['nano', 'small'], features: [] },
  { name: 'starter', title: 'Starter', priceCentsMonthly: 2_000, includedCreditsMicros: 20_000_000, requestsPerMinute: 60,
    tokensPerMinute: 200_000, monthlySpendCapMicros: 200_000_000, allowedTiers: ['nano', 'small', 'mid'],
    features: ['observability'] },
  { name: 'pro', title: 'Pro', priceCentsMonthly: 10_000, includedCreditsMicros: 100_000_000, requestsPerMinute: 600,
    tokensPerMinute: 2_000_000, monthlySpendCapMicros: 2_000_000_000, allowedTiers: ALL_TIERS,
    features: ['observability', 'brand_pref', 'fallbacks', 'groups'] },
  { name: 'scale', title: 'Scale', priceCentsMonthly: 50_000, includedCreditsMicros: 550_000_000, requestsPerMinute: 3_000,
    tokensPerMinute: 10_000_000, monthlySpendCapMicros: 20_000_000_000, allowedTiers: ALL_TIERS,
    features: ['observability', 'brand_pref', 'fallbacks', 'groups', 'router_api', 'priority_support'] },
  { name: 'enterprise', title: 'Enterprise', priceCentsMonthly: null, includedCreditsMicros: 0, requestsPerMinute: 20_000,
    tokensPerMinute: 100_000_000, monthlySpendCapMicros: null, allowedTiers: ALL_TIERS,
    features: ['observability', 'brand_pref', 'fallbacks', 'groups', 'router_api', 'priority_support', 'audit_exports', 'sso'] },
];

export function isPlanName(name: string): name is PlanName {
  return (PLAN_NAMES as readonly string[]).includes(name);
}

/** The plan of that name; accounts recorded with a name no longer offered are held to Free. */
export function planNamed(name: string): Plan {
  return PLANS.find((plan) => plan.name === name) ?? PLANS[0]!;
}

export function planAllows(plan: Plan, feature: PlanFeature): boolean {
  return plan.features.includes(feature);
}
