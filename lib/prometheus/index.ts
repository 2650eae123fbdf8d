export * from './names';
export * from './prometheus';
export * from './prometheus-config';
export * from './prometheus-rules';
export * from './prometheus-sizing';
export * from './scrape-jobs';
