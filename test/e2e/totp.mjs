// RFC 6238 TOTP for the e2e test: the implementation is shared with the HTTP suite
// (test/http/lib/totp.mjs); this file adds the helpers the browser flow uses.
import { totp } from '../http/lib/totp.mjs'

export { base32Decode, hotp, totp } from '../http/lib/totp.mjs'

/** Seconds left in the current step. */
export function secondsLeft(timeMs = Date.now(), step = 30) {
  return step - (Math.floor(timeMs / 1000) % step)
}

/** A code that stays valid for at least `margin` seconds (waits for the next step if needed). */
export async function freshTotp(secretBase32, margin = 3) {
  if (secondsLeft() < margin) await new Promise((r) => setTimeout(r, secondsLeft() * 1000 + 200))
  return totp(secretBase32)
}
