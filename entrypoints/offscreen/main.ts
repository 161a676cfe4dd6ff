// Full number validity (the content script gets the types from the background instead).
import '../../src/detect/numberTypesFull';
import { startOffscreen } from '../../src/offscreen/main';

startOffscreen();
