// The CleverTap Signed Call host document (a hidden iframe of the offscreen document).
// Full number validity (the content script gets the types from the background instead).
import '../../src/detect/numberTypesFull';
import { startSignedCallHost } from '../../src/call/providers/clevertap/host/SignedCallHost';

startSignedCallHost();
