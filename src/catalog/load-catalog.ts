// Assembles the catalog at start-up: providers from the usual environment variables, the shipped
// models of those providers, then the LUMEN_CONFIG file on top (same ids replace, new ids add).
// With no provider at all and a simulator URL, the simulator catalog instead. Reading the file
// is the only I/O in the catalog and stays in this file.

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { providerConfigSchema, type ProviderConfig } from '../providers/registry.ts';
import { Catalog } from './catalog.ts';
import { parseCatalogConfig, type CatalogConfig } from './catalog-schema.ts';
import { defaultModels } from './default-catalog.ts';
import { simulatorCatalog } from './simulator-catalog.ts';

/** A config file larger than this is refused before parsing. */
export const CONFIG_FILE_BYTES_MAX = 1_048_576;

export type Environment = Readonly<Record<string, string | undefined>>;

export interface LoadCatalogOptions {
  readonly environment: Environment;
  /** Defaults to the LUMEN_CONFIG environment variable. */
  readonly configPath?: string;
  /** Used only when no provider is configured at all. */
  readonly simulatorUrl?: string;
  /** The key the simulator expects, if it was started with one. */
  readonly simulatorApiKey?: string;
}

export interface LoadedCatalog {
  readonly catalog: Catalog;
  /** True when every model is simulated; the server should say so loudly. */
  readonly usingSimulator: boolean;
  /** Where providers and models came from, for the start-up log. */
  readonly sources: readonly string[];
}

export interface CatalogLoadError {
  readonly code: 'catalog_config_invalid' | 'catalog_config_unreadable' | 'no_provider_configured';
  readonly message: string;
  readonly issues: readonly string[];
}

export type LoadCatalogResult =
  | ({ readonly ok: true } & LoadedCatalog)
  | { readonly ok: false; readonly error: CatalogLoadError };

interface ProviderFromEnvironment {
  id: 'openai' | 'anthropic' | 'gemini';
  keyVariable: string;
  baseUrlVariable: string;
  defaultBaseUrl: string;
}

// A provider counts as configured when its key is set; a base URL alone does not switch it on.
const PROVIDERS_FROM_ENVIRONMENT: readonly ProviderFromEnvironment[] = [
  { id: 'openai', keyVariable: 'OPENAI_API_KEY', baseUrlVariable: 'OPENAI_BASE_URL', defaultBaseUrl: 'https://api.openai.com/v1' },
  { id: 'anthropic', keyVariable: 'ANTHROPIC_API_KEY', baseUrlVariable: 'ANTHROPIC_BASE_URL', defaultBaseUrl: 'https://api.anthropic.com' },
  { id: 'gemini', keyVariable: 'GEMINI_API_KEY', baseUrlVariable: 'GEMINI_BASE_URL', defaultBaseUrl: 'https://generativelanguage.googleapis.com' },
];

export async function loadCatalog(options: LoadCatalogOptions): Promise<LoadCatalogResult> {
  const environmentProviders = providersFromEnvironment(options.environment);
  if (!environmentProviders.ok) return environmentProviders;
  const sources = environmentProviders.providers.map((provider) => `environment: provider ${provider.id}`);

  const configPath = nonEmpty(options.configPath) ?? nonEmpty(options.environment['LUMEN_CONFIG']);
  let file: CatalogConfig = { providers: [], models: [] };
  if (configPath !== undefined) {
    const read = await readConfigFile(configPath);
    if (!read.ok) return read;
    const parsed = parseCatalogConfig(read.json, {
      environment: options.environment,
      knownProviderIds: environmentProviders.providers.map((provider) => provider.id),
      source: configPath,
    });
    if (!parsed.ok) return { ok: false, error: parsed.error };
    file = parsed.config;
    sources.push(`file: ${configPath} (${file.providers.length} providers, ${file.models.length} models)`);
  }

  const providers = mergeById(environmentProviders.providers, file.providers);
  if (providers.length === 0) return simulatorOrNothing(options);
  const providerIds = new Set(providers.map((provider) => provider.id));
  const shipped = defaultModels().filter((model) => providerIds.has(model.provider));
  const built = Catalog.create({ providers, models: mergeById(shipped, file.models) });
  if (!built.ok) return { ok: false, error: built.error };
  return { ok: true, catalog: built.catalog, usingSimulator: false, sources };
}

/** Providers switched on by environment variables, with their base URLs checked. */
export function providersFromEnvironment(
  environment: Environment,
): { ok: true; providers: ProviderConfig[] } | { ok: false; error: CatalogLoadError } {
  const providers: ProviderConfig[] = [];
  const issues: string[] = [];
  for (const source of PROVIDERS_FROM_ENVIRONMENT) {
    const apiKey = nonEmpty(environment[source.keyVariable]);
    if (apiKey === undefined) continue;
    const baseUrl = nonEmpty(environment[source.baseUrlVariable]) ?? source.defaultBaseUrl;
    const parsed = providerConfigSchema.safeParse({ id: source.id, kind: source.id, baseUrl, apiKey });
    if (parsed.success) providers.push(parsed.data);
    else issues.push(`${source.baseUrlVariable}: "${baseUrl}" is not a URL`);
  }
  if (issues.length > 0) {
    return { ok: false, error: { code: 'catalog_config_invalid', message: `environment is invalid: ${issues.join('; ')}`, issues } };
  }
  return { ok: true, providers };
}

function simulatorOrNothing(options: LoadCatalogOptions): LoadCatalogResult {
  const simulatorUrl = nonEmpty(options.simulatorUrl);
  if (simulatorUrl === undefined) {
    const message = 'no provider is configured: set OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY, '
      + 'declare providers in the LUMEN_CONFIG file, or run with the provider simulator';
    return { ok: false, error: { code: 'no_provider_configured', message, issues: [message] } };
  }
  if (!z.url().safeParse(simulatorUrl).success) {
    const message = `simulator URL "${simulatorUrl}" is not a URL`;
    return { ok: false, error: { code: 'catalog_config_invalid', message, issues: [message] } };
  }
  const config = simulatorCatalog(simulatorUrl, options.simulatorApiKey === undefined ? {} : { apiKey: options.simulatorApiKey });
  const built = Catalog.create(config);
  if (!built.ok) return { ok: false, error: built.error };
  return { ok: true, catalog: built.catalog, usingSimulator: true, sources: [`simulator: ${simulatorUrl}`] };
}

async function readConfigFile(path: string): Promise<{ ok: true; json: unknown } | { ok: false; error: CatalogLoadError }> {
  const unreadable = (reason: string): { ok: false; error: CatalogLoadError } => {
    const message = `config file ${path}: ${reason}`;
    return { ok: false, error: { code: 'catalog_config_unreadable', message, issues: [message] } };
  };
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    return unreadable((error as NodeJS.ErrnoException).code ?? (error as Error).message);
  }
  if (bytes.length > CONFIG_FILE_BYTES_MAX) return unreadable(`${bytes.length} bytes exceeds the limit of ${CONFIG_FILE_BYTES_MAX}`);
  try {
    return { ok: true, json: JSON.parse(bytes.toString('utf8')) as unknown };
  } catch (error) {
    return unreadable(`not valid JSON (${(error as Error).message})`);
  }
}

/** Later entries replace earlier ones with the same id, in place; new ids are appended. */
function mergeById<Entry extends { readonly id: string }>(base: readonly Entry[], overrides: readonly Entry[]): Entry[] {
  const merged = new Map<string, Entry>(base.map((entry) => [entry.id, entry]));
  for (const entry of overrides) merged.set(entry.id, entry);
  return [...merged.values()];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
