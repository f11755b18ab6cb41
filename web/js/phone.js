// Phone numbers for display, without a phone library.
//
// The server gives numbers in E.164 ("+8613912345678"). People read the numbers
// of their own country in national format ("139 1234 5678", "020 8888 1234"), so
// the portal shows numbers of the home country that way and every other number in
// E.164. The home country is China (+86), the server's default region; a number
// this module cannot classify stays in E.164.
//
// No DOM here: tested in tests/web/modules.test.mjs.

export const HOME_COUNTRY_CODE = '86';

// National format of a Chinese national significant number, or null when its
// shape is not one this module knows.
function chinaNational(n) {
  // Mobile: 139 1234 5678.
  if (/^1[3-9]\d{9}$/.test(n)) return `${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`;
  // Toll-free and shared-cost service numbers: 400 810 8888.
  if (/^[48]00\d{7}$/.test(n)) return `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
  // Fixed lines of Beijing (10) and the 2x areas: 010 6552 9988, 020 8888 1234.
  if (/^(10|2\d)\d{8}$/.test(n)) return `0${n.slice(0, 2)} ${n.slice(2, 6)} ${n.slice(6)}`;
  // Fixed lines with a three-digit area code: 0755 2345 6789, 0754 123 4567.
  if (/^[3-9]\d{2}\d{7,8}$/.test(n)) {
    const area = n.slice(0, 3);
    const local = n.slice(3);
    const cut = local.length === 7 ? 3 : 4;
    return `0${area} ${local.slice(0, cut)} ${local.slice(cut)}`;
  }
  // Emergency numbers and service short codes: 110, 95588. (Five-digit 1xxxx
  // codes stay in E.164: "+8612345" is also what an invalid number looks like.)
  if (/^(1\d{2}|9[56]\d{3})$/.test(n)) return n;
  return null;
}

// "+8613912345678" -> "139 1234 5678"; "+86110" -> "110"; "+442070313000" and
// "+8612345" stay as they are;
// anything that is not E.164 (a caller's text the server could not parse) comes
// back as it is; null and undefined become ''.
export function nationalNumber(number, homeCode = HOME_COUNTRY_CODE) {
  if (number == null) return '';
  const s = String(number);
  const m = /^\+(\d{4,15})$/.exec(s);
  if (!m) return s;
  if (homeCode === '86' && m[1].startsWith('86')) return chinaNational(m[1].slice(2)) ?? s;
  return s;
}

// What a person typed in a number filter -> the number to send ("+86 139-1234 5678"
// -> "+8613912345678", "010 6552 9988" -> "01065529988"), or null when it is not a
// phone number. Spaces, dashes, dots and brackets are ignored.
export function numberQuery(text) {
  const s = String(text ?? '').replace(/[\s\-.()]/g, '');
  return /^\+?\d{3,15}$/.test(s) ? s : null;
}
