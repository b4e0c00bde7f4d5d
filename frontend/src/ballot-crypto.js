// The voter's side of a members' ballot, in the browser: the same bytes as psephos.crypto.
//
// docs/verifiability.md (section 10 and around) specifies every operation; each function
// names the Python function it matches byte for byte. Points and scalars are Uint8Array of
// 32 bytes: a point in its canonical ristretto255 encoding (RFC 9496), a scalar a
// little-endian integer below the group order ℓ. Nothing here loads anything at run time.
import { ristretto255 } from "@noble/curves/ed25519.js";
import { bytesToNumberLE, numberToBytesLE } from "@noble/curves/utils.js";
import { pbkdf2 } from "@noble/hashes/pbkdf2.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { randomBytes } from "@noble/hashes/utils.js";

const Point = ristretto255.Point;
const ORDER = Point.Fn.ORDER;
const BYTES = 32;
const CIPHERTEXT_BYTES = 2 * BYTES;
const MAX_WIDTH = 1000;

const NONCE_DOMAIN = "psephos/ballot/nonce/1";
const SIGNATURE_DOMAIN = "psephos/ballot/signature/1";
const TRACKER_DOMAIN = "psephos/ballot/tracker/1";
const RANDOMNESS_NONCE_DOMAIN = "psephos/ballot/randomness-nonce/1";
const RANDOMNESS_DOMAIN = "psephos/ballot/randomness/1";
const SALT_DOMAIN = "psephos/credential/salt/1";
const ITERATIONS = { link: 1, postal: 20000 };
const POSTAL_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const POSTAL_LENGTH = 16;
const LINK_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const PRINTED_CHARACTERS = 20;
// The characters Python's str.strip() removes (str.isspace), which String.trim() does not
// match exactly: a token is trimmed as the server trims it.
const PYTHON_SPACE = "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003"
  + "\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";

/** UTF-8 of a string, as Python's str.encode(); an Error for a lone surrogate. */
function utf8(text) {
  if (typeof text !== "string") throw new Error("expected a string");
  if (/\p{Surrogate}/u.test(text)) throw new Error("the text has a lone surrogate");
  return new TextEncoder().encode(text);
}

function bytes(value, length, what) {
  if (!(value instanceof Uint8Array) || (length !== undefined && value.length !== length)) {
    throw new Error(`${what} is not ${length === undefined ? "" : length + " "}bytes`);
  }
  return value;
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function scalarOf(n) {
  return numberToBytesLE(((n % ORDER) + ORDER) % ORDER, BYTES);
}

/** The value of a canonical scalar; an Error unless 32 bytes below ℓ (group.check_scalar). */
function scalarValue(k, what = "scalar") {
  const n = bytesToNumberLE(bytes(k, BYTES, what));
  if (n >= ORDER) throw new Error(`${what} is not a canonical scalar`);
  return n;
}

function pointOf(data, what = "point") {
  bytes(data, BYTES, what);
  try {
    return Point.fromBytes(data);
  } catch {
    throw new Error(`${what} is not a valid ristretto255 point`);
  }
}

/** k·P for a secret k (nonzero): noble's constant-time ladder. */
function secretMult(k, point) {
  return point.multiply(k);
}

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0;
}

/** SHA-512 over the domain (UTF-8) and the parts, each prefixed by its length as 8 bytes
 * big-endian (group.hash_parts): 64 bytes. */
export function hashParts(domain, ...parts) {
  const digest = sha512.create();
  for (const part of [utf8(domain), ...parts.map((p, i) => bytes(p, undefined, `part ${i + 1}`))]) {
    const length = new Uint8Array(8);
    new DataView(length.buffer).setBigUint64(0, BigInt(part.length), false);
    digest.update(length);
    digest.update(part);
  }
  return digest.digest();
}

/** hashParts read as a little-endian integer reduced mod ℓ (group.hash_to_scalar). */
export function hashToScalar(domain, ...parts) {
  return scalarOf(bytesToNumberLE(hashParts(domain, ...parts)));
}

/** 64 bytes reduced mod ℓ, as libsodium's crypto_core_ristretto255_scalar_reduce. */
function reduce64(wide) {
  return scalarOf(bytesToNumberLE(bytes(wide, 64, "a wide scalar")));
}

/** A uniformly random nonzero scalar: 64 bytes of crypto.getRandomValues reduced mod ℓ. */
export function randomScalar() {
  for (;;) {
    const k = reduce64(randomBytes(64));
    if (bytesToNumberLE(k) !== 0n) return k;
  }
}

function checkWidth(width) {
  if (!Number.isInteger(width) || width < 1 || width > MAX_WIDTH) {
    throw new Error(`the width must be a whole number from 1 to ${MAX_WIDTH}, not ${width}`);
  }
}

/** An Error unless ranking is distinct candidate positions 0..width-1, at most width of them
 * (elgamal.check_ranking). */
export function checkRanking(ranking, width) {
  checkWidth(width);
  if (!Array.isArray(ranking)) throw new Error("a ranking is a list of candidate positions");
  if (ranking.length > width) {
    throw new Error(`a ranking of ${ranking.length} preferences is longer than the width ${width}`);
  }
  for (const candidate of ranking) {
    if (!Number.isInteger(candidate) || candidate < 0 || candidate >= width) {
      throw new Error(`${candidate} is not a candidate position 0..${width - 1}`);
    }
  }
  if (new Set(ranking).size !== ranking.length) throw new Error("a candidate is ranked twice");
}

const encodingPoints = new Map();

function encodingPointsOf(width) {
  checkWidth(width);
  if (!encodingPoints.has(width)) {
    const table = [];
    for (let v = 0; v <= width; v++) table.push(Point.BASE.multiply(BigInt(v + 1)));
    encodingPoints.set(width, table);
  }
  return encodingPoints.get(width);
}

/** The points of the values 0..width: value v is (v + 1)·G (elgamal.encodings). */
export function encodings(width) {
  return encodingPointsOf(width).map((point) => point.toBytes());
}

function electionKeyPoint(electionKey) {
  const key = pointOf(electionKey, "the election key");
  if (key.is0()) throw new Error("the election key is the identity");
  return key;
}

/** The sealed ballot of ranking under the election key: width ciphertexts (r·G, M + r·H),
 * slot j holding the j-th preference's value (candidate + 1, blanks 0)
 * (elgamal.encrypt_ranking_with). With scalars (one nonzero canonical scalar a slot) the
 * result is determined by them; without, fresh ones are drawn. Returns {sealed, scalars}:
 * sealed is width·64 bytes, scalars the per-slot randomness (the Benaloh opening). */
export function encryptRanking(electionKey, ranking, width, scalars) {
  const key = electionKeyPoint(electionKey);
  checkRanking(ranking, width);
  const slots = scalars ?? Array.from({ length: width }, randomScalar);
  if (!Array.isArray(slots) || slots.length !== width) {
    throw new Error(`${width} scalars are needed, one a slot`);
  }
  const table = encodingPointsOf(width);
  const values = ranking.map((candidate) => candidate + 1);
  while (values.length < width) values.push(0);
  const parts = [];
  values.forEach((value, slot) => {
    const r = scalarValue(slots[slot], `the scalar of slot ${slot + 1}`);
    if (r === 0n) throw new Error(`the scalar of slot ${slot + 1} is zero`);
    parts.push(secretMult(r, Point.BASE).toBytes());
    parts.push(table[value].add(secretMult(r, key)).toBytes());
  });
  return { sealed: concat(parts), scalars: slots.map((k) => Uint8Array.from(k)) };
}

/** Whether re-encrypting ranking with the revealed scalars gives exactly sealed: the check
 * of a challenged ballot in Benaloh's cast-or-challenge (Benaloh 2006, "Simple verifiable
 * elections") (elgamal.check_opening). False for any malformed input. */
export function checkOpening(electionKey, sealed, ranking, width, scalars) {
  try {
    return sameBytes(encryptRanking(electionKey, ranking, width, scalars).sealed,
      bytes(sealed, width * CIPHERTEXT_BYTES, "the sealed ballot"));
  } catch {
    return false;
  }
}

/** The bytes a secret is derived from (credentials.canonical_secret): a link token without
 * surrounding white space; a postal code upper-cased, without spaces or punctuation, O read
 * as 0 and I or L as 1. An Error if it is not such a secret. */
export function canonicalSecret(kind, secret) {
  if (typeof secret !== "string") throw new Error("a secret is text");
  if (kind === "link") {
    let start = 0;
    let end = secret.length;
    while (start < end && PYTHON_SPACE.includes(secret[start])) start++;
    while (end > start && PYTHON_SPACE.includes(secret[end - 1])) end--;
    const token = secret.slice(start, end);
    if (!LINK_PATTERN.test(token)) {
      throw new Error("a link token is 22 characters of the URL-safe base64 alphabet");
    }
    return utf8(token);
  }
  if (kind === "postal") {
    if (!/^[\x00-\x7f]*$/.test(secret)) {
      throw new Error("a postal code has only letters, digits, spaces and hyphens");
    }
    const code = secret.toUpperCase().replace(/[^A-Z0-9]/g, "")
      .replace(/O/g, "0").replace(/[IL]/g, "1");
    if (code.length !== POSTAL_LENGTH || [...code].some((ch) => !POSTAL_ALPHABET.includes(ch))) {
      throw new Error(`a postal code is ${POSTAL_LENGTH} characters of ${POSTAL_ALPHABET}`);
    }
    return utf8(code);
  }
  throw new Error(`a secret is a 'link' or a 'postal', not ${JSON.stringify(kind)}`);
}

/** The PBKDF2 iterations of a kind of secret (credentials.iterations_for): 1 for a link;
 * for a postal code the contest's own count, published with its definition. */
function iterationsFor(kind, postalIterations) {
  if (kind !== "postal") return ITERATIONS[kind];
  if (!Number.isSafeInteger(postalIterations) || postalIterations < 1) {
    throw new Error("a postal code's iterations are a whole number, at least 1");
  }
  return postalIterations;
}

/** The private credential x of a voter's secret in a contest (credentials.private_credential):
 * PBKDF2-HMAC-SHA-512 (RFC 8018), 64 bytes out, reduced mod ℓ; 1 iteration for a link token,
 * the contest's postalIterations (20,000 unless it chose another) for a postal code. */
export function privateCredential(kind, secret, contest, postalIterations = ITERATIONS.postal) {
  if (typeof contest !== "string" || !contest) throw new Error("the contest identifier is empty");
  const password = canonicalSecret(kind, secret);
  const c = iterationsFor(kind, postalIterations);
  const salt = hashParts(SALT_DOMAIN, utf8(kind), utf8(contest));
  const x = reduce64(pbkdf2(sha512, password, salt, { c, dkLen: 64 }));
  if (bytesToNumberLE(x) === 0n) throw new Error("this secret derives the zero scalar");
  return x;
}

/** x·G, the public credential of a private credential (credentials.public_credential). */
export function publicCredential(x) {
  const k = scalarValue(x, "the private credential");
  if (k === 0n) throw new Error("the private credential is zero");
  return secretMult(k, Point.BASE).toBytes();
}

function challenge(contest, publicCred, sealed, commitment) {
  return bytesToNumberLE(hashToScalar(SIGNATURE_DOMAIN, utf8(contest), publicCred, sealed,
    commitment));
}

/** The Schnorr signature R || z (64 bytes) of a sealed ballot under the private credential x
 * in a contest (ballot_signatures.sign_ballot): the nonce w is hash_parts(NONCE_DOMAIN, x,
 * contest, P, ballot) reduced mod ℓ, R = w·G, z = w + c·x with c = H(contest, P, ballot, R). */
export function signBallot(x, contest, sealed) {
  const publicCred = publicCredential(x);
  bytes(sealed, undefined, "the sealed ballot");
  const nonce = bytesToNumberLE(reduce64(hashParts(NONCE_DOMAIN, x, utf8(contest), publicCred,
    sealed)));
  const commitment = secretMult(nonce, Point.BASE).toBytes();
  const c = challenge(contest, publicCred, sealed, commitment);
  const z = (nonce + c * bytesToNumberLE(x)) % ORDER;
  return concat([commitment, scalarOf(z)]);
}

function slotIndex(j) {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, j, false);
  return out;
}

/** The proof that the sealer knows every slot's randomness, bound to the public
 * credential (ballot_signatures.prove_randomness): nonces w_j from hash_parts(r_j, j,
 * contest, P, ballot), A_j = w_j·G, c = H(contest, P, ballot, A_1..A_w),
 * s_j = w_j + c·r_j; returns A_1 ‖ … ‖ A_w ‖ s_1 ‖ … ‖ s_w. */
export function proveRandomness(contest, publicCred, sealed, scalars) {
  bytes(sealed, undefined, "the sealed ballot");
  bytes(publicCred, BYTES, "the public credential");
  if (!Array.isArray(scalars) || sealed.length !== scalars.length * CIPHERTEXT_BYTES) {
    throw new Error(`${scalars?.length} scalars for a ballot of ${sealed.length} bytes`);
  }
  const nonces = scalars.map((r, j) => {
    scalarValue(r, `the scalar of slot ${j + 1}`);
    return bytesToNumberLE(reduce64(hashParts(RANDOMNESS_NONCE_DOMAIN, r, slotIndex(j),
      utf8(contest), publicCred, sealed)));
  });
  const commitments = nonces.map((w) => secretMult(w, Point.BASE).toBytes());
  const c = bytesToNumberLE(hashToScalar(RANDOMNESS_DOMAIN, utf8(contest), publicCred, sealed,
    ...commitments));
  const responses = nonces.map((w, j) => scalarOf((w + c * bytesToNumberLE(scalars[j]))
    % ORDER));
  return concat([...commitments, ...responses]);
}

/** Whether signature signs the sealed ballot under the public credential in the contest
 * (ballot_signatures.verify_ballot): z·G = R + c·P. */
export function verifyBallot(publicCred, contest, sealed, signature) {
  try {
    bytes(signature, 2 * BYTES, "the signature");
    const P = pointOf(publicCred, "the public credential");
    if (P.is0()) return false;
    const commitment = signature.subarray(0, BYTES);
    const R = pointOf(commitment, "the commitment");
    const z = scalarValue(signature.subarray(BYTES), "the response");
    const c = challenge(contest, publicCred, bytes(sealed, undefined, "the sealed ballot"),
      commitment);
    return Point.BASE.multiplyUnsafe(z).equals(R.add(P.multiplyUnsafe(c)));
  } catch {
    return false;
  }
}

/** The tracker of a signed ballot: the first 32 bytes of hash_parts(TRACKER_DOMAIN, contest,
 * public credential, ballot, signature) (ballot_signatures.ballot_tracker). */
export function ballotTracker(contest, publicCred, sealed, signature) {
  return hashParts(TRACKER_DOMAIN, utf8(contest), bytes(publicCred, BYTES, "the public credential"),
    bytes(sealed, undefined, "the sealed ballot"), bytes(signature, 2 * BYTES, "the signature"))
    .slice(0, BYTES);
}

/** The tracker as a voter copies it: its first 100 bits, 5 a character from the most
 * significant, in the postal alphabet, in groups of four (ballot_signatures.printed_tracker). */
export function printedTracker(tracker) {
  bytes(tracker, BYTES, "a tracker");
  let bits = 0n;
  for (const byte of tracker) bits = (bits << 8n) | BigInt(byte);
  bits >>= BigInt(8 * BYTES - 5 * PRINTED_CHARACTERS);
  let characters = "";
  for (let i = 0; i < PRINTED_CHARACTERS; i++) {
    characters += POSTAL_ALPHABET[Number((bits >> BigInt(5 * (PRINTED_CHARACTERS - 1 - i))) & 31n)];
  }
  return characters.match(/.{4}/g).join("-");
}

/** Lower-case hex of bytes. */
export function toHex(data) {
  return Array.from(bytes(data, undefined, "data"), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The bytes of a hex string (either case); an Error if it is not hex. */
export function fromHex(text) {
  if (typeof text !== "string" || text.length % 2 || /[^0-9a-fA-F]/.test(text)) {
    throw new Error("not a hex string");
  }
  return Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** Standard base64 (with padding) of bytes, as Python's base64.b64encode. */
export function toBase64(data) {
  let binary = "";
  for (const byte of bytes(data, undefined, "data")) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The bytes of standard base64 text; an Error if it is not base64. */
export function fromBase64(text) {
  if (typeof text !== "string" || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) {
    throw new Error("not base64");
  }
  return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
}
