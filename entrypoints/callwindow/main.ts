// Firefox's call host: the offscreen document's call session in a small visible window.
// Full number validity (the content script fetches the number types instead).
import '../../src/detect/numberTypesFull';
import { startCallWindow } from '../../src/offscreen/callWindow';

startCallWindow();
