// Firefox's call host: the offscreen document's call session in a small visible window.
import { startCallWindow } from '../../src/offscreen/callWindow';

startCallWindow();
