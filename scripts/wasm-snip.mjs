// Replaces the bodies of functions the browser's search engine links but never calls with
// `unreachable`, so that wasm-bindgen's dead-code pass then drops everything only they reached.
//
//   node scripts/wasm-snip.mjs IN.wasm OUT.wasm
//
// Run by scripts/build-wasm.sh on the linked module, which still has its name section (function
// names, demangled by the linker). What is snipped, and why it is never called:
// - the `regex` crates: tantivy reaches them only from `Facet`'s `Display` (escaping slashes),
//   which only the `Debug` of a facet `Term` calls; `dyn Query` must be `Debug`, so every query's
//   vtable links it. helpsite's schema has no facet field, and nothing formats a query.
//   (~78 KB of the gzipped engine; no tantivy feature or API avoids it.)
// - rayon and crossbeam: tantivy's thread-pool executor and the warmers' GC thread. wasm32 has
//   no threads; the engine searches with tantivy's single-thread executor and no warmers.
// A snipped function that did run would trap (a RuntimeError in the worker), never compute a
// wrong answer; the browser tests' parity of the wasm and native engines runs the real paths.
import { readFileSync, writeFileSync } from 'node:fs';

const SNIP = [
  /^(_<)?(regex|regex_automata|regex_syntax)::/,
  /^_<tantivy::schema::facet::Facet as core::fmt::(Display|Debug)>::fmt$/,
  /^(_<)?(rayon_core|crossbeam_channel|crossbeam_deque|crossbeam_epoch)::/,
];

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node scripts/wasm-snip.mjs IN.wasm OUT.wasm');
  process.exit(2);
}
const b = readFileSync(input);

function leb(at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const x = b[at++];
    value += (x & 0x7f) * 2 ** shift;
    shift += 7;
    if (x < 0x80) return [value, at];
  }
}
function enc(n) {
  const out = [];
  do {
    let x = n % 128;
    n = Math.floor(n / 128);
    if (n) x |= 0x80;
    out.push(x);
  } while (n);
  return Buffer.from(out);
}

/** Legacy Rust mangling (`_ZN…E`) to a path with generics; the linker already demangles most. */
function demangle(n) {
  if (!n.startsWith('_ZN')) return n;
  const parts = [];
  let i = 3;
  while (/\d/.test(n[i] ?? '')) {
    let j = i;
    while (/\d/.test(n[j])) j++;
    const len = Number(n.slice(i, j));
    parts.push(n.slice(j, j + len));
    i = j + len;
  }
  if (/^h[0-9a-f]{16}$/.test(parts.at(-1) ?? '')) parts.pop();
  let s = parts.join('::');
  for (const [a, r] of [['$LT$', '<'], ['$GT$', '>'], ['$u20$', ' '], ['$RF$', '&'], ['$C$', ','], ['$BP$', '*'], ['..', '::']]) {
    s = s.split(a).join(r);
  }
  return s;
}

// Sections: count imported functions (they come first in the function index space) and read
// the function names.
const sections = [];
let imported = 0;
const names = new Map();
for (let at = 8; at < b.length;) {
  const id = b[at];
  const [size, body] = leb(at + 1);
  sections.push({ id, start: at, body, end: body + size });
  if (id === 2) {
    let [count, k] = leb(body);
    for (; count > 0; count--) {
      let len;
      [len, k] = leb(k); k += len;
      [len, k] = leb(k); k += len;
      const kind = b[k++];
      if (kind === 0) { [, k] = leb(k); imported++; }
      else if (kind === 1) { k++; const flags = b[k++]; [, k] = leb(k); if (flags & 1) [, k] = leb(k); }
      else if (kind === 2) { const flags = b[k++]; [, k] = leb(k); if (flags & 1) [, k] = leb(k); }
      else if (kind === 3) k += 2;
      else throw new Error(`import kind ${kind} not understood`);
    }
  } else if (id === 0) {
    const [len, k] = leb(body);
    if (b.toString('utf8', k, k + len) === 'name') {
      for (let s = k + len; s < body + size;) {
        const sub = b[s];
        const [subSize, subBody] = leb(s + 1);
        if (sub === 1) {
          let [count, q] = leb(subBody);
          for (; count > 0; count--) {
            let index;
            let nameLen;
            [index, q] = leb(q);
            [nameLen, q] = leb(q);
            names.set(index, demangle(b.toString('utf8', q, q + nameLen)));
            q += nameLen;
          }
        }
        s = subBody + subSize;
      }
    }
  }
  at = body + size;
}
if (!names.size) throw new Error(`${input} has no function names: build it with CARGO_PROFILE_WASM_STRIP=false`);

const parts = [b.subarray(0, 8)];
const snipped = new Map();
const UNREACHABLE = Buffer.from([0x00, 0x00, 0x0b]); // no locals; unreachable; end
for (const s of sections) {
  if (s.id !== 10) {
    parts.push(b.subarray(s.start, s.end));
    continue;
  }
  let [count, k] = leb(s.body);
  const code = [enc(count)];
  for (let f = 0; f < count; f++) {
    const [len, q] = leb(k);
    let fn = b.subarray(q, q + len);
    k = q + len;
    const name = names.get(imported + f) ?? '';
    const rule = SNIP.findIndex((re) => re.test(name));
    if (rule >= 0) {
      snipped.set(rule, (snipped.get(rule) ?? 0) + 1);
      fn = UNREACHABLE;
    }
    code.push(enc(fn.length), fn);
  }
  const body = Buffer.concat(code);
  parts.push(Buffer.from([10]), enc(body.length), body);
}
// A rule that matches nothing means the engine's dependencies changed: say so rather than
// silently keeping the bytes.
SNIP.forEach((re, i) => {
  if (!snipped.get(i)) throw new Error(`no function matches ${re}: review scripts/wasm-snip.mjs`);
});
writeFileSync(output, Buffer.concat(parts));
