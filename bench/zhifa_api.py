#!/usr/bin/env python3
"""Small stdlib-only client for the zhifa API, used by bench/http.sh and bench/killtest.sh.

  zhifa_api.py load BASE COOKIE CSRF PARENT IDS_FILE THREADS STOP_FILE
                                            create units until STOP_FILE exists (kill test)
  zhifa_api.py verify BASE COOKIE IDS_FILE  every acknowledged unit id must answer 200
  zhifa_api.py district BASE COOKIE         the id of the district with most children
  zhifa_api.py wait BASE [SECONDS]          wait until GET BASE/healthz answers 200
  zhifa_api.py admin-session BASE USER PW   enrol TOTP (first time) and print "COOKIE CSRF SECRET"
  zhifa_api.py evidence-bench BASE ADMIN_PW FILE WORKDIR
                                            an officer uploads FILE (curl -T, streamed) and
                                            downloads it; prints both throughputs (bench/evidence.sh)
  zhifa_api.py reader-session BASE ADMIN_PW prints "COOKIE ROOT_ID DISTRICT_ID": a supervisor with city scope
                                            (created by admin, granted by secadmin), password
                                            changed at first login, logged in again
"""
import base64
import hashlib
import hmac
import http.client
import json
import struct
import sys
import time
import urllib.parse


def totp(secret_b32, step):
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 1000000
    return "%06d" % code


class Client:
    def __init__(self, base):
        u = urllib.parse.urlparse(base)
        self.host, self.port = u.hostname, u.port
        self.cookie = None
        self.csrf = None

    def call(self, method, path, body=None, expect=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.cookie:
            headers["Cookie"] = "zhifa_session=" + self.cookie
        if self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        conn.request(method, path, body=data, headers=headers)
        res = conn.getresponse()
        raw = res.read()
        for k, v in res.getheaders():
            if k.lower() == "set-cookie" and v.startswith("zhifa_session="):
                tok = v.split(";", 1)[0].split("=", 1)[1]
                if tok:
                    self.cookie = tok
        conn.close()
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = raw.decode(errors="replace")
        if expect is not None and res.status not in (expect if isinstance(expect, tuple) else (expect,)):
            raise RuntimeError("%s %s -> %d %s" % (method, path, res.status, payload))
        return res.status, payload

    def login(self, username, password, code=None):
        body = {"username": username, "password": password}
        if code:
            body["totp_code"] = code
        _, me = self.call("POST", "/api/v1/auth/login", body, expect=200)
        self.csrf = me["csrf_token"]
        return me


def admin_session(base, username, password):
    """Logs in an administrator, enrolling TOTP; returns (client, secret)."""
    c = Client(base)
    c.login(username, password)
    _, setup = c.call("POST", "/api/v1/auth/totp/setup", {}, expect=200)
    secret = setup["secret"]
    step = int(time.time()) // 30
    c.call("POST", "/api/v1/auth/totp/enable", {"code": totp(secret, step)}, expect=204)
    # A fresh login (the enrolment session may stay flagged); the next step is within the window.
    c2 = Client(base)
    c2.login(username, password, totp(secret, step + 1))
    return c2, secret


def units_root_and_district(c):
    """The root unit and the first district with the most children (the tree is a JSON array)."""
    _, tree = c.call("GET", "/api/v1/units/tree", expect=200)
    nodes = tree if isinstance(tree, list) else tree.get("items") or tree.get("roots") or []
    root = nodes[0]
    districts = [n for n in root.get("children", []) if n.get("kind") == "district"]
    district = max(districts, key=lambda n: len(n.get("children", [])), default=root)
    return root["id"], district["id"]


def reader_session(base, admin_pw):
    admin, _ = admin_session(base, "admin", admin_pw)
    root, district = units_root_and_district(admin)
    pw0 = "Init-Pass-2026x"
    # The seed has no units under districts: give the district 12 departments (a typical size),
    # so that "a unit with its children" has children.
    _, unit = admin.call("GET", "/api/v1/units/%d" % district, expect=200)
    for i in range(len(unit.get("children", [])) + 1, 13):
        admin.call("POST", "/api/v1/units", {"parent_id": district, "kind": "department",
                                             "name": "压测部门%d" % i}, expect=201)
    name = "bench%d" % (int(time.time() * 1000) % 10**9)
    _, user = admin.call("POST", "/api/v1/users",
                         {"username": name, "display_name": "压测用户", "unit_id": root,
                          "password": pw0}, expect=201)
    sec, _ = admin_session(base, "secadmin", admin_pw)
    sec.call("POST", "/api/v1/users/%d/roles" % user["id"],
             {"role": "supervisor", "unit_id": root, "scope": "city"}, expect=201)
    r = Client(base)
    r.login(name, pw0)
    pw1 = "Bench-Pass-2026y"
    r.call("POST", "/api/v1/auth/password", {"old_password": pw0, "new_password": pw1},
           expect=204)
    r2 = Client(base)
    r2.login(name, pw1)
    r2.call("GET", "/api/v1/units/%d" % root, expect=200)
    return r2.cookie, root, district


def evidence_bench(base, admin_pw, path, workdir):
    import os
    import subprocess
    admin, _ = admin_session(base, "admin", admin_pw)
    root, _ = units_root_and_district(admin)
    pw0, pw1 = "Init-Pass-2026x", "Bench-Pass-2026y"
    name = "evbench%d" % (int(time.time() * 1000) % 10**9)
    _, user = admin.call("POST", "/api/v1/users", {"username": name, "display_name": "证据压测",
                                                   "unit_id": root, "password": pw0}, expect=201)
    sec, _ = admin_session(base, "secadmin", admin_pw)
    sec.call("POST", "/api/v1/users/%d/roles" % user["id"],
             {"role": "officer", "unit_id": root, "scope": "city"}, expect=201)
    r = Client(base)
    r.login(name, pw0)
    r.call("POST", "/api/v1/auth/password", {"old_password": pw0, "new_password": pw1}, expect=204)
    c = Client(base)
    c.login(name, pw1)
    size = os.path.getsize(path)
    q = urllib.parse.urlencode({"target_kind": "record", "target": "unit:%d" % root,
                                "stage": "investigation", "captured_at": "2026-11-27T08:00:00Z",
                                "file_name": os.path.basename(path)})
    out = os.path.join(workdir, "upload.json")
    t0 = time.time()
    subprocess.run(["curl", "-sS", "-f", "-o", out, "-X", "POST", "-T", path, "-H", "Expect:",
                    "-H", "Cookie: zhifa_session=" + c.cookie, "-H", "X-CSRF-Token: " + c.csrf,
                    base + "/api/v1/evidence?" + q], check=True)
    up = time.time() - t0
    ev = json.load(open(out))
    t0 = time.time()
    subprocess.run(["curl", "-sS", "-f", "-o", "/dev/null", "-H", "Cookie: zhifa_session=" + c.cookie,
                    base + "/api/v1/evidence/%d/content" % ev["id"]], check=True)
    down = time.time() - t0
    mib = size / (1 << 20)
    print("file: %.0f MiB, %s %s" % (mib, ev["hash_alg"], ev["hash"]))
    print("upload (stream + hash + fsync + record): %.1f s, %.0f MiB/s" % (up, mib / up))
    print("download (stream + verify hash):         %.1f s, %.0f MiB/s" % (down, mib / down))


def load(base, cookie, csrf, parent, outfile, threads, stopfile):
    """Creates units until `stopfile` exists; appends every id acknowledged with 201 to outfile.
    Connection failures (the server was killed) are retried after a short pause; those requests
    were never acknowledged, so they may or may not have committed."""
    import os
    import threading
    lock = threading.Lock()
    out = open(outfile, "a", buffering=1)
    stats = {"acked": 0, "errors": 0, "other": 0}
    u = urllib.parse.urlparse(base)

    def worker(t):
        n = 0
        conn = None
        while not os.path.exists(stopfile):
            n += 1
            body = json.dumps({"parent_id": parent, "kind": "unit",
                               "name": "压测单位-%d-%d-%d" % (os.getpid(), t, n)}).encode()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
                conn.request("POST", "/api/v1/units", body=body,
                             headers={"Content-Type": "application/json",
                                      "Cookie": "zhifa_session=" + cookie,
                                      "X-CSRF-Token": csrf})
                res = conn.getresponse()
                raw = res.read()
                if res.status == 201:
                    uid = json.loads(raw)["id"]
                    with lock:
                        out.write("%d\n" % uid)
                        stats["acked"] += 1
                else:
                    with lock:
                        stats["other"] += 1
                        if stats["other"] <= 3:
                            sys.stderr.write("load: HTTP %d %s\n" % (res.status, raw[:200]))
                    time.sleep(0.05)
            except (OSError, http.client.HTTPException):
                with lock:
                    stats["errors"] += 1
                try:
                    conn.close()
                except Exception:
                    pass
                conn = None
                time.sleep(0.02)
        if conn:
            conn.close()

    ts = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    out.close()
    print("load: acked %(acked)d, connection errors %(errors)d, other statuses %(other)d" % stats)


def verify(base, cookie, idsfile):
    """GETs every acknowledged unit id over one keep-alive connection; prints the missing ones."""
    u = urllib.parse.urlparse(base)
    ids = [int(x) for x in open(idsfile) if x.strip()]
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    missing = []
    for uid in ids:
        conn.request("GET", "/api/v1/units/%d" % uid, headers={"Cookie": "zhifa_session=" + cookie})
        res = conn.getresponse()
        res.read()
        if res.status != 200:
            missing.append((uid, res.status))
    conn.close()
    print("verify: %d acknowledged ids checked over HTTP, %d missing" % (len(ids), len(missing)))
    for uid, st in missing[:20]:
        print("  missing unit %d (HTTP %d)" % (uid, st))
    return 1 if missing else 0


def wait(base, seconds=30.0):
    c = Client(base)
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if c.call("GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.02)
    raise SystemExit("server at %s did not answer /healthz within %ss" % (base, seconds))


def main(argv):
    cmd = argv[1]
    if cmd == "wait":
        wait(argv[2], float(argv[3]) if len(argv) > 3 else 30.0)
    elif cmd == "admin-session":
        c, secret = admin_session(argv[2], argv[3], argv[4])
        print(c.cookie, c.csrf, secret)
    elif cmd == "reader-session":
        cookie, root, district = reader_session(argv[2], argv[3])
        print(cookie, root, district)
    elif cmd == "evidence-bench":
        evidence_bench(argv[2], argv[3], argv[4], argv[5])
    elif cmd == "load":
        load(argv[2], argv[3], argv[4], int(argv[5]), argv[6], int(argv[7]), argv[8])
    elif cmd == "verify":
        sys.exit(verify(argv[2], argv[3], argv[4]))
    elif cmd == "district":
        c = Client(argv[2])
        c.cookie = argv[3]
        print(units_root_and_district(c)[1])
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
