import { defineBackground } from '#imports';
import { startBackground } from '../src/background/main';

export default defineBackground({ type: 'module', main: startBackground });
