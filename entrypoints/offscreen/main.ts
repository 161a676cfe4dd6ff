// Full number validity (the content script fetches the number types instead).
import '../../src/detect/numberTypesFull';
import { startOffscreen } from '../../src/offscreen/main';

startOffscreen();
