import { MonitoringStack, synthOrExit } from './lib/stack';

// config.ts builds every alert and dashboard as it loads: loading it inside the synth's error
// handler turns a bad threshold or custom alert into the handler's one line.
synthOrExit((app) => {
  const { config } = require('./config') as typeof import('./config');
  new MonitoringStack(app, 'liquid-audio-nets', config);
});
