import { config } from './config';
import { MonitoringStack, synthOrExit } from './lib';

synthOrExit((app) => new MonitoringStack(app, 'liquid-audio-nets', config));
