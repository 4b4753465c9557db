// RFC 6238 TOTP (HMAC-SHA1, 30 s step, 6 digits) with a base32 (RFC 4648) secret.
import { createHmac } from 'node:crypto'

export function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  const clean = String(s).toUpperCase().replace(/[\s=-]/g, '')
  let bits = 0
  let value = 0
  const out = []
  for (const ch of clean) {
    const idx = alphabet.indexOf(ch)
    if (idx < 0) throw new Error(`invalid base32 character ${JSON.stringify(ch)}`)
    value = (value << 5) | idx
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

export function totp(secretBase32, timeMs = Date.now(), step = 30, digits = 6) {
  return hotp(base32Decode(secretBase32), Math.floor(timeMs / 1000 / step), digits)
}

/** Seconds left in the current step. */
export function secondsLeft(timeMs = Date.now(), step = 30) {
  return step - (Math.floor(timeMs / 1000) % step)
}

/** A code that stays valid for at least `margin` seconds (waits for the next step if needed). */
export async function freshTotp(secretBase32, margin = 3) {
  if (secondsLeft() < margin) await new Promise((r) => setTimeout(r, secondsLeft() * 1000 + 200))
  return totp(secretBase32)
}
