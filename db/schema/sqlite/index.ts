export * from './accounts';
export * from './projects';
export * from './tickets';
export * from './mail';
export * from './mail-settings';
export * from './webhooks';
