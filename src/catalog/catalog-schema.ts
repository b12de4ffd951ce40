// The edge where Lumen's config file (LUMEN_CONFIG, JSON) becomes catalog values. The file
// speaks in the providers' own terms (snake_case, dollars per million tokens as decimals);
// everything past this file gets integer micros and camelCase, checked once here.

import { z } from 'zod';
import { usdToMicros, type Micros } from '../domain/money.ts';
import { providerConfigSchema, type ProviderConfig } from '../providers/registry.ts';
import { catalogConsistencyIssues } from './catalog-consistency.ts';
import {
  CAPABILITIES, INPUT_MODALITIES, MODEL_TIERS, OUTPUT_MODALITIES,
  type CatalogModel, type ModelPrices,
} from './model.ts';

/** Bounds on what a config file may declare, so a runaway file fails loudly instead of slowly. */
export const CATALOG_LIMITS = {
  providersMax: 64,
  modelsMax: 2_000,
  aliasesPerModelMax: 64,
  nameLengthMax: 256,
  issuesReportedMax: 20,
} as const;

const nameSchema = z.string().min(1).max(CATALOG_LIMITS.nameLengthMax)
  .regex(/^\S+$/, 'must not contain whitespace');

// Dollars as a JSON number or a decimal string, converted without binary floating point.
const usdSchema = z.union([z.number(), z.string()]).transform((value, context): Micros => {
  let micros: Micros;
  try {
    micros = usdToMicros(value);
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
  if (micros < 0) {
    context.addIssue({ code: 'custom', message: `price must not be negative, got ${String(value)}` });
    return z.NEVER;
  }
  return micros;
});

const pricesSchema = z.strictObject({
  input_per_million_usd: usdSchema,
  output_per_million_usd: usdSchema,
  cached_input_per_million_usd: usdSchema.optional(),
  per_image_usd: usdSchema.optional(),
  per_audio_second_usd: usdSchema.optional(),
}).transform((prices): ModelPrices => ({
  inputMicrosPerMillion: prices.input_per_million_usd,
  outputMicrosPerMillion: prices.output_per_million_usd,
  ...(prices.cached_input_per_million_usd === undefined ? {} : { cachedInputMicrosPerMillion: prices.cached_input_per_million_usd }),
  ...(prices.per_image_usd === undefined ? {} : { perImageMicros: prices.per_image_usd }),
  ...(prices.per_audio_second_usd === undefined ? {} : { perAudioSecondMicros: prices.per_audio_second_usd }),
}));

const priceVersionSchema = z.string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)), 'must be a real calendar date');

const modelEntrySchema = z.strictObject({
  id: nameSchema,
  aliases: z.array(nameSchema).max(CATALOG_LIMITS.aliasesPerModelMax).default([]),
  provider: nameSchema,
  /** The provider's own name for the model; the id when absent. */
  upstream: nameSchema.optional(),
  tier: z.enum(MODEL_TIERS),
  capabilities: z.array(z.enum(CAPABILITIES)).min(1),
  prices: pricesSchema,
  /** Zero for models without a token window (speech to text billed per second). */
  context_window: z.number().int().min(0),
  max_output_tokens: z.number().int().min(0),
  modalities: z.strictObject({
    input: z.array(z.enum(INPUT_MODALITIES)).min(1),
    output: z.array(z.enum(OUTPUT_MODALITIES)).min(1),
  }),
  price_version: priceVersionSchema,
}).superRefine((entry, context) => {
  if (entry.context_window > 0 && entry.max_output_tokens > entry.context_window) {
    context.addIssue({
      code: 'custom',
      path: ['max_output_tokens'],
      message: `${entry.max_output_tokens} exceeds the context window of ${entry.context_window}`,
    });
  }
}).transform((entry): CatalogModel => ({
  id: entry.id,
  aliases: entry.aliases,
  provider: entry.provider,
  upstream: entry.upstream ?? entry.id,
  tier: entry.tier,
  capabilities: entry.capabilities,
  prices: entry.prices,
  contextWindowTokens: entry.context_window,
  maxOutputTokens: entry.max_output_tokens,
  modalities: entry.modalities,
  priceVersion: entry.price_version,
}));

// Strict, unlike the registry's schema, so a misspelt key in a hand-written file is an error.
const providerEntrySchema = z.strictObject({ ...providerConfigSchema.shape });

export const catalogConfigSchema = z.strictObject({
  /** Lets editors attach a JSON schema; ignored. */
  $schema: z.string().optional(),
  providers: z.array(providerEntrySchema).max(CATALOG_LIMITS.providersMax).default([]),
  models: z.array(modelEntrySchema).max(CATALOG_LIMITS.modelsMax).default([]),
});

/** The file as written: what the default catalog and LUMEN_CONFIG are typed as. */
export type CatalogConfigInput = z.input<typeof catalogConfigSchema>;
export type ModelDefinition = z.input<typeof modelEntrySchema>;
export type ProviderDefinition = z.input<typeof providerEntrySchema>;

export interface CatalogConfig {
  readonly providers: readonly ProviderConfig[];
  readonly models: readonly CatalogModel[];
}

export interface CatalogConfigError {
  readonly code: 'catalog_config_invalid';
  readonly message: string;
  readonly issues: readonly string[];
}

export type CatalogConfigResult =
  | { readonly ok: true; readonly config: CatalogConfig }
  | { readonly ok: false; readonly error: CatalogConfigError };

export interface ParseOptions {
  /** Where `"apiKey": "env:NAME"` is looked up. */
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** Providers configured elsewhere (environment variables) that models may reference. */
  readonly knownProviderIds?: readonly string[];
  /** Names the source in error messages, e.g. the file path. */
  readonly source?: string;
}

export function parseCatalogConfig(input: unknown, options: ParseOptions): CatalogConfigResult {
  const parsed = catalogConfigSchema.safeParse(input);
  if (!parsed.success) {
    return failure(options.source, parsed.error.issues.map((issue) => describeIssue(issue, input)));
  }
  const secretIssues: string[] = [];
  const providers = parsed.data.providers.map((provider) => resolveApiKey(provider, options.environment, secretIssues));
  const providerIds = [...new Set([...(options.knownProviderIds ?? []), ...providers.map((provider) => provider.id)])];
  const issues = [
    ...secretIssues,
    ...catalogConsistencyIssues(providers.map((provider) => provider.id), []),
    ...catalogConsistencyIssues(providerIds, parsed.data.models),
  ];
  if (issues.length > 0) return failure(options.source, issues);
  return { ok: true, config: { providers, models: parsed.data.models } };
}

const ENVIRONMENT_REFERENCE = /^env:(.*)$/;
const ENVIRONMENT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

// A key can be named rather than written, so config files can be committed without secrets.
function resolveApiKey(
  provider: ProviderConfig,
  environment: Readonly<Record<string, string | undefined>>,
  issues: string[],
): ProviderConfig {
  const reference = provider.apiKey === undefined ? null : ENVIRONMENT_REFERENCE.exec(provider.apiKey);
  if (reference === null) return provider;
  const name = reference[1] ?? '';
  if (!ENVIRONMENT_NAME.test(name)) {
    issues.push(`provider "${provider.id}".apiKey: "env:${name}" does not name an environment variable`);
    return provider;
  }
  const value = environment[name];
  if (value === undefined || value === '') {
    issues.push(`provider "${provider.id}".apiKey: environment variable ${name} is not set`);
    return provider;
  }
  return { ...provider, apiKey: value };
}

function failure(source: string | undefined, issues: readonly string[]): CatalogConfigResult {
  const shown = issues.slice(0, CATALOG_LIMITS.issuesReportedMax);
  const more = issues.length - shown.length;
  const message = `${source ?? 'catalog config'} is invalid: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
  return { ok: false, error: { code: 'catalog_config_invalid', message, issues } };
}

// Names the entry by its id, because "models[14]" means nothing to someone editing the file.
function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const [section, index, ...rest] = issue.path;
  let where = issue.path.map(String).join('.') || 'config';
  if ((section === 'models' || section === 'providers') && typeof index === 'number') {
    const id = idOfEntry(input, section, index);
    const noun = section === 'models' ? 'model' : 'provider';
    const name = id === undefined ? `#${index + 1}` : `"${id}"`;
    where = [`${noun} ${name}`, ...rest.map(String)].join('.');
  }
  return `${where}: ${issue.message}`;
}

function idOfEntry(input: unknown, section: string, index: number): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const entries = (input as Record<string, unknown>)[section];
  if (!Array.isArray(entries)) return undefined;
  const entry: unknown = entries[index];
  if (typeof entry !== 'object' || entry === null) return undefined;
  const id = (entry as Record<string, unknown>)['id'];
  return typeof id === 'string' ? id : undefined;
}
