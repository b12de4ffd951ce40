// The models the simulator advertises, per provider, with a tier hint so Lumen can build a
// catalog (and routing tables) of simulator models. The simulator answers for any model id,
// these are only the ones it lists.

export type SimulatedTier = 'nano' | 'small' | 'mid' | 'high';
export type SimulatedCapability = 'chat' | 'embedding' | 'image' | 'transcription';

export interface SimulatedModel {
  id: string;
  tier: SimulatedTier;
  capability: SimulatedCapability;
  contextWindowTokens: number;
  // Embedding models only: the length of the vectors returned when `dimensions` is not given.
  embeddingDimensions?: number;
}

export const SIMULATED_MODELS = {
  openai: [
    { id: 'sim-gpt-nano', tier: 'nano', capability: 'chat', contextWindowTokens: 128_000 },
    { id: 'sim-gpt-small', tier: 'small', capability: 'chat', contextWindowTokens: 128_000 },
    { id: 'sim-gpt-mid', tier: 'mid', capability: 'chat', contextWindowTokens: 400_000 },
    { id: 'sim-gpt-high', tier: 'high', capability: 'chat', contextWindowTokens: 400_000 },
    { id: 'sim-embedding-small', tier: 'nano', capability: 'embedding', contextWindowTokens: 8191, embeddingDimensions: 1536 },
    { id: 'sim-embedding-large', tier: 'small', capability: 'embedding', contextWindowTokens: 8191, embeddingDimensions: 3072 },
    { id: 'sim-image', tier: 'mid', capability: 'image', contextWindowTokens: 32_000 },
    { id: 'sim-whisper', tier: 'small', capability: 'transcription', contextWindowTokens: 0 },
  ],
  anthropic: [
    { id: 'sim-claude-haiku', tier: 'small', capability: 'chat', contextWindowTokens: 200_000 },
    { id: 'sim-claude-sonnet', tier: 'mid', capability: 'chat', contextWindowTokens: 200_000 },
    { id: 'sim-claude-opus', tier: 'high', capability: 'chat', contextWindowTokens: 200_000 },
  ],
  gemini: [
    { id: 'sim-gemini-flash-lite', tier: 'nano', capability: 'chat', contextWindowTokens: 1_048_576 },
    { id: 'sim-gemini-flash', tier: 'small', capability: 'chat', contextWindowTokens: 1_048_576 },
    { id: 'sim-gemini-pro', tier: 'high', capability: 'chat', contextWindowTokens: 1_048_576 },
    { id: 'sim-gemini-embedding', tier: 'nano', capability: 'embedding', contextWindowTokens: 2048, embeddingDimensions: 3072 },
  ],
} as const satisfies Record<'openai' | 'anthropic' | 'gemini', readonly SimulatedModel[]>;

const DEFAULT_EMBEDDING_DIMENSIONS = 1536;

// Dimensions for an embedding model id, also for real model ids a test may pass through.
export function defaultEmbeddingDimensions(model: string): number {
  const listed = [...SIMULATED_MODELS.openai, ...SIMULATED_MODELS.gemini].find((entry) => entry.id === model);
  if (listed !== undefined && 'embeddingDimensions' in listed) return listed.embeddingDimensions;
  if (model.includes('3-large') || model.includes('gemini-embedding')) return 3072;
  if (model.includes('text-embedding-004') || model.includes('embedding-001')) return 768;
  return DEFAULT_EMBEDDING_DIMENSIONS;
}
