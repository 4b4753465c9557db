// Client-side checks of the parties' identifiers with the same rules, in the same order and
// naming the same positions as the server (src/core/codes.cc): 统一社会信用代码 (GB 32100-2015,
// with the GB 11714 organisation-code check at position 17) and 公民身份号码 (GB 11643-1999).
// The server also checks the division code against GB/T 2260 (data/areacodes.csv); the browser
// only checks the province prefix, so the server's answer is still shown on the field.
// Each check returns null when valid, else the i18n key and its parameters (cases.codes.*).

export interface CodeProblem {
  key: string
  params?: Record<string, string | number>
}

const CREDIT_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'
const PROVINCES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42',
  '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82',
])
// GB 32100-2015 表1 registration departments and the categories each may use.
const DEPARTMENTS: Record<string, string> = {
  '1': '1239',
  '2': '19',
  '3': '123459',
  '4': '19',
  '5': '1239',
  '6': '129',
  '7': '129',
  '8': '19',
  '9': '123',
  A: '19',
  N: '1239',
  Y: '1',
}

/** Trims and upper-cases ASCII letters, as the server's NormalizeCode. */
export function normalizeCode(s: string): string {
  return s.trim().replace(/[a-z]/g, (c) => c.toUpperCase())
}

function isDigit(c: string) {
  return c >= '0' && c <= '9'
}

function checkLength(code: string, what: 'credit' | 'id'): CodeProblem | null {
  const chars = Array.from(code)
  if (chars.length === 18 && code.length === 18 && /^[\x00-\x7f]*$/.test(code)) return null
  if (chars.length === 18) {
    const pos = chars.findIndex((c) => c.charCodeAt(0) >= 0x80) + 1
    return { key: 'cases.codes.fullWidth', params: { pos } }
  }
  return { key: what === 'credit' ? 'cases.codes.creditLength' : 'cases.codes.idLength', params: { n: chars.length } }
}

export function creditCheckChar(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CHARSET.indexOf(first17[i])
    if (v < 0) return ''
    sum += v * CREDIT_WEIGHTS[i]
  }
  const c = 31 - (sum % 31)
  return CREDIT_CHARSET[c === 31 ? 0 : c]
}

export function orgCheckChar(first8: string): string {
  let sum = 0
  for (let i = 0; i < 8; i++) {
    const ch = first8[i]
    let v: number
    if (isDigit(ch)) v = ch.charCodeAt(0) - 48
    else if (ch >= 'A' && ch <= 'Z') v = ch.charCodeAt(0) - 55
    else return ''
    sum += v * ORG_WEIGHTS[i]
  }
  const c = 11 - (sum % 11)
  return c === 10 ? 'X' : c === 11 ? '0' : String(c)
}

export function idCheckChar(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) {
    if (!isDigit(first17[i])) return ''
    sum += (first17.charCodeAt(i) - 48) * ID_WEIGHTS[i]
  }
  return ID_CHECK[sum % 11]
}

function divisionProblem(division: string, first: number, allowCentral: boolean): CodeProblem | null {
  if (allowCentral && division === '100000') return null
  if (!PROVINCES.has(division.slice(0, 2))) {
    return { key: 'cases.codes.province', params: { from: first, to: first + 5, code: division } }
  }
  return null
}

/** 统一社会信用代码: null when valid, else the first problem (as the server orders them). */
export function checkCreditCode(code: string): CodeProblem | null {
  const len = checkLength(code, 'credit')
  if (len) return len
  for (let i = 0; i < 18; i++) {
    const c = code[i]
    if (CREDIT_CHARSET.includes(c)) continue
    if (c >= 'a' && c <= 'z') return { key: 'cases.codes.lowerCase', params: { pos: i + 1, ch: c } }
    return { key: 'cases.codes.charset', params: { pos: i + 1, ch: c } }
  }
  const cats = DEPARTMENTS[code[0]]
  if (!cats) return { key: 'cases.codes.department', params: { ch: code[0] } }
  if (!cats.includes(code[1])) return { key: 'cases.codes.category', params: { ch: code[1], allowed: cats } }
  for (let i = 2; i < 8; i++) {
    if (!isDigit(code[i])) return { key: 'cases.codes.divisionDigit', params: { pos: i + 1 } }
  }
  const div = divisionProblem(code.slice(2, 8), 3, true)
  if (div) return div
  const org = orgCheckChar(code.slice(8, 16))
  if (code[16] !== org) return { key: 'cases.codes.orgCheck', params: { ch: org } }
  const check = creditCheckChar(code.slice(0, 17))
  if (code[17] !== check) return { key: 'cases.codes.check', params: { ch: check } }
  return null
}

function daysInMonth(y: number, m: number) {
  return new Date(Date.UTC(y, m, 0)).getUTCDate()
}

/** 公民身份号码: null when valid, else the first problem (as the server orders them). */
export function checkIdNumber(id: string, today: Date = new Date()): CodeProblem | null {
  const len = checkLength(id, 'id')
  if (len) return len
  for (let i = 0; i < 17; i++) {
    if (!isDigit(id[i])) return { key: 'cases.codes.digit', params: { pos: i + 1 } }
  }
  if (id[17] === 'x') return { key: 'cases.codes.upperX' }
  if (!isDigit(id[17]) && id[17] !== 'X') return { key: 'cases.codes.lastChar' }
  const div = divisionProblem(id.slice(0, 6), 1, false)
  if (div) return div
  const birth = id.slice(6, 14)
  const y = Number(id.slice(6, 10))
  const m = Number(id.slice(10, 12))
  const d = Number(id.slice(12, 14))
  if (m < 1 || m > 12) return { key: 'cases.codes.birthMonth', params: { birth } }
  if (d < 1 || d > daysInMonth(y, m)) return { key: 'cases.codes.birthDay', params: { birth, y, m, n: daysInMonth(y, m) } }
  if (y < 1800) return { key: 'cases.codes.birthEarly', params: { birth } }
  const todayKey = today.getFullYear() * 10000 + (today.getMonth() + 1) * 100 + today.getDate()
  if (y * 10000 + m * 100 + d > todayKey) return { key: 'cases.codes.birthFuture', params: { birth } }
  if (id.slice(14, 17) === '000') return { key: 'cases.codes.sequence' }
  const check = idCheckChar(id.slice(0, 17))
  if (id[17] !== check) return { key: 'cases.codes.check', params: { ch: check } }
  return null
}
