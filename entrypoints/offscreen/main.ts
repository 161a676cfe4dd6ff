import { startOffscreen } from '../../src/offscreen/main';

startOffscreen();
