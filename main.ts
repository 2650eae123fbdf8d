import { renderStack, synthOrExit } from './lib/stack';

// config.ts builds every alert and dashboard as it loads: loading it inside the synth's error
// handler turns a bad threshold or custom alert into the handler's one line.
synthOrExit((app) => {
  const { environments, examples } = require('./config') as typeof import('./config');
  for (const targets of [examples, environments])
    for (const [name, config] of Object.entries(targets)) renderStack(app.folder(name), 'liquid-audio-nets', config);
});
