// RFC 6238 TOTP (HMAC-SHA1, 30 s step, 6 digits) with a base32 (RFC 4648) secret.
// The server accepts a code for steps now-1 … now+1 and never the same or an older step twice
// for one user, so callers pick a step explicitly with codeForStep() and track the last one used.
import { createHmac } from 'node:crypto'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

export function base32Decode(s) {
  const clean = String(s).toUpperCase().replace(/[\s=-]/g, '')
  let bits = 0
  let value = 0
  const out = []
  for (const ch of clean) {
    const idx = ALPHABET.indexOf(ch)
    if (idx < 0) throw new Error(`invalid base32 character ${JSON.stringify(ch)}`)
    value = ((value << 5) | idx) & 0xffff
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

export function hotp(key, counter, digits = 6) {
  const msg = Buffer.alloc(8)
  msg.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac('sha1', key).update(msg).digest()
  const off = mac[mac.length - 1] & 0x0f
  const bin = ((mac[off] & 0x7f) << 24) | (mac[off + 1] << 16) | (mac[off + 2] << 8) | mac[off + 3]
  return String(bin % 10 ** digits).padStart(digits, '0')
}

export const STEP_SECONDS = 30

export function currentStep(timeMs = Date.now()) {
  return Math.floor(timeMs / 1000 / STEP_SECONDS)
}

export function codeForStep(secretBase32, step) {
  return hotp(base32Decode(secretBase32), step)
}

export function totp(secretBase32, timeMs = Date.now()) {
  return codeForStep(secretBase32, currentStep(timeMs))
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/**
 * A code the server will accept now for a user whose last accepted step is `lastStep`:
 * the smallest step in [now-1, now+1] above lastStep (staying away from the window's edges),
 * waiting for the clock when all three are used. Returns {code, step}.
 */
export async function nextCode(secretBase32, lastStep = 0) {
  for (;;) {
    const now = Date.now()
    const step = currentStep(now)
    const intoStep = (now / 1000) % STEP_SECONDS
    // now-1 is only safe early in the step (it expires when the step ends); now and now+1
    // stay valid until at least the end of the next step.
    const candidates = []
    if (intoStep < STEP_SECONDS - 5) candidates.push(step - 1)
    candidates.push(step, step + 1)
    const pick = candidates.find((s) => s > lastStep)
    if (pick !== undefined) return { code: codeForStep(secretBase32, pick), step: pick }
    await sleep((STEP_SECONDS - intoStep) * 1000 + 300)
  }
}
