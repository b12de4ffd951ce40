// Every projection the gateway runs. Adding one here is all it takes to have it kept and rebuilt.
import type { AnyProjection } from '../src/ledger/projection.ts';
import { apiKeysProjection } from './api-keys.ts';
import { balancesProjection } from './balances.ts';
import { openHoldsProjection } from './open-holds.ts';
import { routerQualityProjection } from './router-quality.ts';
import { usageDailyProjection } from './usage-daily.ts';

export const ALL_PROJECTIONS: AnyProjection[] = [balancesProjection, apiKeysProjection, usageDailyProjection, openHoldsProjection,
  routerQualityProjection];
