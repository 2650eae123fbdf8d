export * from './hardware-exporter';
