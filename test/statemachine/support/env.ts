import { installFakes } from './fakes';
import { World } from './world';

/** One fresh world per test, with the fakes installed and removed even when the test fails. */
export function useWorld(): () => World {
  let world: World | undefined;
  let uninstall: (() => void) | undefined;
  const saved = { ...process.env };
  beforeEach(() => {
    process.env.LOCK_TABLE_NAME = 'alloy-rollout-lock';
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'example-secret';
    process.env.AWS_REGION = 'eu-west-1';
    world = new World();
    uninstall = installFakes(world);
  });
  afterEach(() => {
    uninstall?.();
    process.env = { ...saved };
  });
  return () => {
    if (!world) throw new Error('world used outside a test');
    return world;
  };
}
