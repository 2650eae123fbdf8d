export * from './hardware-exporter';
export * from './names';
