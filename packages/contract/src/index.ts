export * from './errors.ts';
export * from './common.ts';
export * from './partner-api.ts';
export * from './codegames.ts';
export * from './telegram.ts';
export * from './operator-api.ts';
export * from './cabinet.ts';
export * from './backoffice.ts';
