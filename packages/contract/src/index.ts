export * from './errors.ts';
export * from './partner-api.ts';
export * from './codegames.ts';
export * from './telegram.ts';
