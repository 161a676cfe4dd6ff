// Public half of the key that pins the unpacked extension's id, so policies, CORS and tests can name it.
export const EXTENSION_PUBLIC_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvFR2JzZuwFrW4wxQ5YxSWCiK6CTJy/4huwgvdQP5SujxqBgB1DuS1hzZpeZ0sGv7OahUayAuMUQPvBLEdgEflvGolRXunrU3bzqZauxsJeOGP34zR77ryS0m6KvXkZCMix3wlTOVpbBkAyi9uNcPeyGraqB2Wytows71Ubc8YnrdJULP2iKCthcRNGxNPsRxFDnBfx07okkVTSC9gZvKfomnXQsyWyMP9Y/JrIlR7ducwAqF74plf7D/JxN7JnaijAayNkHusWp830HIi56PQCwrYl2EfdEru1AalKr2L2u1akeVEZZbWM2iRxecjUBfFbVKLikfe7Yv82xEMa/qewIDAQAB';
export const EXTENSION_ID = 'fafepffkckkjhefickbpmdgncjoionoe';
/** Firefox's add-on id (`browser_specific_settings.gecko.id`): policies and managed storage name it. */
export const FIREFOX_EXTENSION_ID = 'crm-click-to-call@c2c.example';
