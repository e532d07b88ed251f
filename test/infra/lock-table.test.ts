import { LOCK_ATTRIBUTES } from '../../core/orchestration';
import { LOCK_TABLE } from '../../lambdas/catalog';

describe('lock table schema', () => {
  it('keys and expires items by the attributes the lock Lambdas write', () => {
    expect(LOCK_TABLE.partitionKey).toBe(LOCK_ATTRIBUTES.key);
    expect(LOCK_TABLE.ttlAttribute).toBe(LOCK_ATTRIBUTES.expiresAt);
  });
});
