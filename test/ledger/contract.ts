// The behaviour every EventStore adapter owes the rest of Lumen, as one reusable uvu suite. An
// adapter's test file calls defineEventStoreContract with a way to open a fresh store; the same
// cases then run against PGlite, PostgreSQL and EventStoreDB alike.
import { suite } from 'uvu';
import type { EventStore } from '../../src/ledger/event-store.ts';
import { appendCases } from './contract/append-cases.ts';
import { contractContext, type ContractCase, type ContractContext } from './contract/fixtures.ts';
import { raceCases } from './contract/race-cases.ts';
import { readCases } from './contract/read-cases.ts';

export interface ContractStore {
  store: EventStore;
  dispose(): Promise<void>;
}

export const contractCases: readonly ContractCase[] = [...appendCases, ...raceCases, ...readCases];

/** Registers and queues the contract as its own suite; the store is opened once for all cases. */
export function defineEventStoreContract(name: string, open: () => Promise<ContractStore>): void {
  const contract = suite(name);
  let opened: ContractStore | undefined;
  let context: ContractContext | undefined;
  contract.before(async () => {
    opened = await open();
    context = contractContext(opened.store);
  });
  contract.after(async () => {
    await opened?.dispose();
  });
  for (const contractCase of contractCases) {
    contract(contractCase.title, () => contractCase.run(context!));
  }
  contract.run();
}

/** Registers every case as skipped, so the report counts them instead of silently omitting them. */
export function skipEventStoreContract(name: string): void {
  const contract = suite(name);
  for (const contractCase of contractCases) contract.skip(contractCase.title, () => undefined);
  contract.run();
}
