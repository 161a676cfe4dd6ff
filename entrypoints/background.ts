// Full number validity (the content script fetches the number types instead).
import '../src/detect/numberTypesFull';
import { defineBackground } from '#imports';
import { startBackground } from '../src/background/main';

export default defineBackground({ type: 'module', main: startBackground });
