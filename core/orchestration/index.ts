export * from './state';
export * from './window';
export * from './lock';
export * from './cause';
export * from './nested';
export * from './rollback';
export * from './report';
export * from './summary';
