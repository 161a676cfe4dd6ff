// Number types as libphonenumber names them: the backend's ALLOWED_NUMBER_TYPES policy and the
// detector's full-metadata validity check read the same list.

/** The types libphonenumber's metadata gives patterns for, in the order the detector tries them. */
export const METADATA_NUMBER_TYPES = [
  'FIXED_LINE',
  'MOBILE',
  'PREMIUM_RATE',
  'TOLL_FREE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
] as const;

/** Every type `getType()` reports (max metadata): the metadata's, and both-at-once. */
export const NUMBER_TYPES = [...METADATA_NUMBER_TYPES, 'FIXED_LINE_OR_MOBILE'] as const;
export type NumberType = (typeof NUMBER_TYPES)[number];
