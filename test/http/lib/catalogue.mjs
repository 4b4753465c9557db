// Catalogue helpers for the HTTP suites: matter bodies, fresh matters held by a unit, csv files.
import assert from 'node:assert/strict'
import net from 'node:net'
import { API } from './client.mjs'

let seq = 0
/** A fresh matter code (unique per process). */
export function newCode(prefix = 'T') {
  seq += 1
  return `${prefix}-${process.pid % 10000}-${Date.now().toString(36).slice(-5)}-${seq}`
}

/** The JSON body of a matter (create when holders are given). */
export function matterBody({ code, holders, from = '2024-01-01', range = '可以处以2万元以下的罚款', tiers } = {}) {
  const body = {
    name: '擅自占用城市道路',
    type: 'penalty',
    domain: 'urban_management',
    violated_provision: '《城市道路管理条例》第二十七条',
    penalty_provision: '《城市道路管理条例》第四十二条',
    range_text: range,
    major_review: false,
    effective_from: from,
    tiers: tiers || [
      { name: '一般', conditions_text: '首次', standard_text: '处五千元以下罚款', source: '测试' },
      { name: '严重', conditions_text: '再次', standard_text: '处五千元以上二万元以下罚款', source: '测试' },
    ],
  }
  if (holders) {
    body.code = code
    body.holder_unit_ids = holders
  }
  return body
}

/** Creates a matter held by unitId (as `editor`); returns its detail JSON. */
export async function newMatter(editor, unitId, code = newCode()) {
  const r = await editor.post(`${API}/catalogue/matters`, matterBody({ code, holders: [unitId] }))
  assert.equal(r.status, 201, r.text)
  return r.json
}

/** A csv text (BOM, CRLF, quoted) from rows. */
export function csv(rows) {
  const q = (v) => (/[",\r\n]/.test(v) ? `"${String(v).replaceAll('"', '""')}"` : String(v))
  return '\ufeff' + rows.map((r) => r.map(q).join(',')).join('\r\n') + '\r\n'
}

export const TIER_COLUMNS = ['序号', '事项代码', '事项名称', '法律法规依据', '裁量阶次', '适用条件', '具体标准', '裁量基准来源', '备注']
export const MATTER_COLUMNS = ['事项代码', '事项名称', '事项类别', '实施主体', '重点领域', '违法依据', '处罚依据', '法定处罚种类和幅度', '法制审核', '涉嫌犯罪移送标准', '示例']

/** A multipart/form-data body with one file part. */
export function multipart(filename, contentType, bytes) {
  const boundary = '----zhifa' + Math.random().toString(16).slice(2)
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`
  const body = Buffer.concat([Buffer.from(head), Buffer.from(bytes), Buffer.from(`\r\n--${boundary}--\r\n`)])
  return { body, contentType: `multipart/form-data; boundary=${boundary}` }
}

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** GETs a file as bytes with the client's session: {status, headers, bytes}. */
export async function download(c, path) {
  const res = await fetch(c.base + path, { headers: c.cookie ? { Cookie: c.cookie } : {} })
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) }
}

let day = 0
/** A fresh effective date after every earlier one (for new versions): 2030-01-02, 2030-01-03 … */
export function nextDate() {
  day += 1
  const d = new Date(Date.UTC(2030, 0, 1) + day * 86400000)
  return d.toISOString().slice(0, 10)
}

/**
 * An import request declaring a body larger than the server's limit, sent over a raw socket
 * (the server answers 413 from the header without reading the body; fetch would fail on the
 * closed connection). Resolves with the status line's code.
 */
export function oversizedImport(port, c, bytes) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1')
    let out = ''
    const done = () => resolve(Number(out.split(' ')[1]))
    sock.on('data', (d) => (out += d.toString()))
    sock.on('end', done)
    sock.on('close', done)
    sock.on('error', (e) => (out ? done() : reject(e)))
    sock.write(
      `POST ${API}/catalogue/import HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\n` +
        `Cookie: ${c.cookie}\r\nX-CSRF-Token: ${c.csrf}\r\nContent-Length: ${bytes}\r\n\r\n序号,`,
    )
    setTimeout(() => sock.destroy(), 5000).unref()
  })
}
