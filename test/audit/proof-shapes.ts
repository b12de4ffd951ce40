// The verification algorithms of RFC 9162 2.1.3.2 and 2.1.4.2 run over symbols instead of hashes.
// Two (index, size) pairs with the same shape make the verifier hash the same things in the same
// order, so a proof for one verifies for the other: the tree size is bound by the signed
// checkpoint, not by the proof. Tests use shapes to say exactly when a wrong size must fail.

export function inclusionShape(leafIndex: number, treeSize: number, proofLength: number): string {
  if (leafIndex >= treeSize) return 'fail';
  let fn = leafIndex;
  let sn = treeSize - 1;
  let shape = 'leaf';
  for (let position = 0; position < proofLength; position += 1) {
    if (sn === 0) return 'fail';
    if (fn % 2 === 1 || fn === sn) {
      shape = `(p${position} ${shape})`;
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      shape = `(${shape} p${position})`;
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? shape : 'fail';
}

function isPowerOfTwo(value: number): boolean {
  let width = 1;
  while (width < value) width *= 2;
  return width === value;
}

export function consistencyShape(oldSize: number, newSize: number, proofLength: number): string {
  if (oldSize <= 0 || oldSize >= newSize || proofLength === 0) return 'fail';
  const prepended = isPowerOfTwo(oldSize);
  const symbols = [...(prepended ? ['old'] : []), ...Array.from({ length: proofLength }, (_, at) => `p${at}`)];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let first = symbols[0] as string;
  let second = first;
  for (const symbol of symbols.slice(1)) {
    if (sn === 0) return 'fail';
    if (fn % 2 === 1 || fn === sn) {
      first = `(${symbol} ${first})`;
      second = `(${symbol} ${second})`;
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      second = `(${second} ${symbol})`;
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? `${first} | ${second}` : 'fail';
}
