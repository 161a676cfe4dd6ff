// A run of digit groups and separators read from text: the raw material a phone number is judged from.
import { isDigit, isSeparator, isSpace } from './textChars';

export interface Candidate {
  start: number;
  plus: boolean;
  groups: string[];
  /** Start/end offsets of each group. */
  starts: number[];
  ends: number[];
  /** Separator text before each group (index 0: before the first group, after `+`). */
  seps: string[];
}

/**
 * A slash or dash with a space before it: it may take one after it too ("030 / 1234567",
 * "030 - 1234567"). The text is normalized (normalizeWidth): every dash is `-`.
 */
const SPACED_MARK = /^\s[/-]$/;

export function readCandidate(s: string, i: number): Candidate {
  const start = i;
  let plus = false;
  if (s[i] === '+') {
    plus = true;
    i++;
    if (isSpace(s[i] ?? '')) i++;
  }
  const groups: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const seps: string[] = [];
  let sep = '';
  let groupStart = -1;
  let digits = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) {
      digits++;
      if (groupStart < 0) {
        groupStart = i;
        seps.push(sep);
        sep = '';
      }
      i++;
      continue;
    }
    if (groupStart >= 0) {
      groups.push(s.slice(groupStart, i));
      starts.push(groupStart);
      ends.push(i);
      groupStart = -1;
    }
    if (isSeparator(c) && isSpace(s[i]!) && /\s$/.test(sep)) {
      i++; // a run of whitespace renders as one space (source indentation, line breaks)
      continue;
    }
    // `~` waits for a second dial tone after a prefix ("0~0 1 650 …"); later it is a range (10~20).
    const dialWait = c === 126 && digits > 0 && digits <= 4 && !sep.includes('~');
    // One space in a separator, or a slash or dash with one on each side ("030 / 1234567").
    const secondSpace = isSpace(s[i]!) && /\s/.test(sep) && !SPACED_MARK.test(sep);
    if ((isSeparator(c) || dialWait) && sep.length < 3 && !secondSpace) {
      sep += s[i];
      i++;
      continue;
    }
    break;
  }
  if (groupStart >= 0) {
    groups.push(s.slice(groupStart, i));
    starts.push(groupStart);
    ends.push(i);
  }
  // A last group that starts a time ("… 2671 10:30") is not part of the number.
  const last = ends.length - 1;
  if (last > 0 && s[ends[last]!] === ':' && isDigit(s.charCodeAt(ends[last]! + 1))) {
    groups.pop();
    starts.pop();
    ends.pop();
    seps.pop();
  }
  return { start, plus, groups, starts, ends, seps };
}

// Labels of identifiers that look like numbers: "Order #", "INV-", "Acct", "Ticket", "Ref" …
