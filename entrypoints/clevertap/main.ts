// The CleverTap Signed Call host document (a hidden iframe of the offscreen document).
import { startSignedCallHost } from '../../src/call/providers/clevertap/host/SignedCallHost';

startSignedCallHost();
