// The CleverTap Signed Call host document (a hidden iframe of the offscreen document).
// Full number validity (the content script fetches the number types instead).
import '../../src/detect/numberTypesFull';
import { startSignedCallHost } from '../../src/call/providers/clevertap/host/SignedCallHost';

startSignedCallHost();
