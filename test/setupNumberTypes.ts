// Unit tests run as the extension's pages do: with the full number types provided
// (src/detect/numberTypesFull.ts). phoneMetadata.test.ts checks a module that has none.
import '../src/detect/numberTypesFull';
