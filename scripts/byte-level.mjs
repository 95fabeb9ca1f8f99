/**
 * GPT-2's bytes_to_unicode mapping (byte value -> printable character), which byte-level BPE
 * tokenizers use to write any byte as a visible vocabulary character: printable ASCII and
 * Latin-1 stand for themselves, the other bytes take the code points from U+0100 up.
 */
export function bytesToUnicode() {
  const printable = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const map = new Map();
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (printable.includes(b)) map.set(b, String.fromCodePoint(b));
    else map.set(b, String.fromCodePoint(256 + extra++));
  }
  return map;
}
