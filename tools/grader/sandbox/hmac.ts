// HMAC-SHA256 in plain JavaScript, for the grading sandbox.
//
// Why not node:crypto? Inside the sandbox, student code shares the process
// with the grader's agent. Node's Hmac objects hand the key to native handle
// methods (`init`, `update`) that live on a prototype any code can reach and
// replace, so a student could read the key as it goes by. This version only
// uses arithmetic, typed arrays and built-ins captured when the module loads,
// so nothing a student patches later can see the key or change a result.

const U32 = Uint32Array;
const U8 = Uint8Array;
const ReflectApply = Reflect.apply;
const charCodeAt = String.prototype.charCodeAt;
const MathFloor = Math.floor;

const K = new U32([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
  0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
  0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

interface Bytes {
  b: Uint8Array;
  n: number; // the byte count, kept beside the array: a typed array's `length` getter can be patched
}

/** UTF-8 bytes of a string (surrogate pairs combined; lone surrogates become U+FFFD). */
export function utf8(s: string): Bytes {
  const out = new U8(s.length * 3 + 1);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    let c = ReflectApply(charCodeAt, s, [i]) as number;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = ReflectApply(charCodeAt, s, [i + 1]) as number;
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else c = 0xfffd;
    } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out[n++] = c;
    else if (c < 0x800) (out[n++] = 0xc0 | (c >> 6)), (out[n++] = 0x80 | (c & 63));
    else if (c < 0x10000) (out[n++] = 0xe0 | (c >> 12)), (out[n++] = 0x80 | ((c >> 6) & 63)), (out[n++] = 0x80 | (c & 63));
    else {
      out[n++] = 0xf0 | (c >> 18);
      out[n++] = 0x80 | ((c >> 12) & 63);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    }
  }
  return { b: out, n };
}

const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** SHA-256 of the first `len` bytes of `msg` (FIPS 180-4). */
export function sha256(msg: Uint8Array, len: number): Uint8Array {
  const H = new U32(8);
  for (let i = 0; i < 8; i++) H[i] = IV[i];
  // Padding: 0x80, zeros, then the bit length as a 64-bit big-endian number.
  const blocks = ((len + 8) >> 6) + 1;
  const size = blocks * 64;
  const buf = new U8(size);
  for (let i = 0; i < len; i++) buf[i] = msg[i];
  buf[len] = 0x80;
  const bits = len * 8;
  buf[size - 1] = bits & 255;
  buf[size - 2] = (bits >>> 8) & 255;
  buf[size - 3] = (bits >>> 16) & 255;
  buf[size - 4] = (bits >>> 24) & 255;
  buf[size - 5] = MathFloor(bits / 4294967296) & 255;
  const W = new U32(64);
  for (let b = 0; b < blocks; b++) {
    for (let t = 0; t < 16; t++) {
      const j = b * 64 + t * 4;
      W[t] = (buf[j] << 24) | (buf[j + 1] << 16) | (buf[j + 2] << 8) | buf[j + 3];
    }
    for (let t = 16; t < 64; t++) {
      const x = W[t - 15];
      const y = W[t - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
    }
    let a = H[0], bb = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (h + S1 + ch + K[t] + W[t]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & bb) ^ (a & c) ^ (bb & c);
      const t2 = (S0 + maj) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = bb;
      bb = a;
      a = (t1 + t2) | 0;
    }
    H[0] += a;
    H[1] += bb;
    H[2] += c;
    H[3] += d;
    H[4] += e;
    H[5] += f;
    H[6] += g;
    H[7] += h;
  }
  const out = new U8(32);
  for (let i = 0; i < 8; i++) {
    out[i * 4] = H[i] >>> 24;
    out[i * 4 + 1] = (H[i] >>> 16) & 255;
    out[i * 4 + 2] = (H[i] >>> 8) & 255;
    out[i * 4 + 3] = H[i] & 255;
  }
  return out;
}

const HEX = "0123456789abcdef";

/** HMAC-SHA256(key, message) as lowercase hex (RFC 2104). */
export function hmacSha256Hex(key: string, message: string): string {
  let k = utf8(key);
  if (k.n > 64) k = { b: sha256(k.b, k.n), n: 32 };
  const m = utf8(message);
  const inner = new U8(64 + m.n);
  const outer = new U8(64 + 32);
  for (let i = 0; i < 64; i++) {
    const byte = i < k.n ? k.b[i] : 0;
    inner[i] = byte ^ 0x36;
    outer[i] = byte ^ 0x5c;
  }
  for (let i = 0; i < m.n; i++) inner[64 + i] = m.b[i];
  const ih = sha256(inner, 64 + m.n);
  for (let i = 0; i < 32; i++) outer[64 + i] = ih[i];
  const mac = sha256(outer, 96);
  let hex = "";
  for (let i = 0; i < 32; i++) hex += HEX[mac[i] >> 4] + HEX[mac[i] & 15];
  return hex;
}
