#!/usr/bin/env python3
"""Independent RFC 9162 verifier for zhifa's record log (shares no code with the C++).

Runs `record_crypto_tool proofs <hash> <max>` and checks, with nothing but hashlib:
  * every entry's bytes equal the encoding of its fields written from docs/record-log-format.md;
  * every root equals MTH computed by the recursive definition of RFC 9162 §2.1.1;
  * every inclusion proof equals PATH of §2.1.3.1 and verifies by the algorithm of §2.1.3.2;
  * every consistency proof equals PROOF of §2.1.4.1 and verifies by the algorithm of §2.1.4.2;
  * a one-bit change in any proof element makes verification fail (the verifier can say no).
Exit 0 when all hold; 1 with the first disagreement otherwise.

usage: verify_proofs.py --tool PATH --hash sm3|sha256 [--max N]
"""
import argparse
import functools
import hashlib
import struct
import subprocess
import sys


def digest(name, data):
    return hashlib.new(name, data).digest()


def encode_entry(name, seq, at, actor, unit, kind, target, payload):
    """docs/record-log-format.md, "Entry bytes, version 1"."""
    out = bytearray(b"\x01")
    out += struct.pack(">Q", seq)
    out += struct.pack(">q", at)
    for v in (actor, unit):
        out += b"\x00" if v is None else b"\x01" + struct.pack(">q", v)
    for s in (kind, target):
        out += struct.pack(">H", len(s)) + s
    out += digest(name, payload)
    return bytes(out)


def largest_pow2_below(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


class Tree:
    def __init__(self, name, leaves):
        self.name = name
        self.leaves = leaves  # leaf hashes
        self.mth = functools.lru_cache(maxsize=None)(self._mth)

    def node(self, left, right):
        return digest(self.name, b"\x01" + left + right)

    def _mth(self, a, b):  # RFC 9162 §2.1.1
        if b == a:
            return digest(self.name, b"")
        if b - a == 1:
            return self.leaves[a]
        k = largest_pow2_below(b - a)
        return self.node(self.mth(a, a + k), self.mth(a + k, b))

    def path(self, m, a, b):  # §2.1.3.1
        if b - a <= 1:
            return []
        k = largest_pow2_below(b - a)
        if m < k:
            return self.path(m, a, a + k) + [self.mth(a + k, b)]
        return self.path(m - k, a + k, b) + [self.mth(a, a + k)]

    def subproof(self, m, a, b, complete):  # §2.1.4.1
        n = b - a
        if m == n:
            return [] if complete else [self.mth(a, b)]
        k = largest_pow2_below(n)
        if m <= k:
            return self.subproof(m, a, a + k, complete) + [self.mth(a + k, b)]
        return self.subproof(m - k, a + k, b, False) + [self.mth(a, a + k)]


def verify_inclusion(name, index, size, leaf, proof, root):  # RFC 9162 §2.1.3.2
    node = lambda l, r: digest(name, b"\x01" + l + r)
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(name, first, second, first_hash, second_hash, proof):  # §2.1.4.2
    node = lambda l, r: digest(name, b"\x01" + l + r)
    if first > second:
        return False
    if first == second:
        return not proof and first_hash == second_hash
    if first == 0:
        return not proof and first_hash == digest(name, b"")
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path = [first_hash] + path
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node(c, fr)
            sr = node(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_hash and sr == second_hash


def flipped(proof, i, bit):
    p = list(proof)
    b = bytearray(p[i])
    b[bit // 8] ^= 1 << (bit % 8)
    p[i] = bytes(b)
    return p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--hash", required=True, choices=["sm3", "sha256"])
    ap.add_argument("--max", type=int, default=64)
    args = ap.parse_args()
    name = args.hash
    out = subprocess.run([args.tool, "proofs", name, str(args.max)], check=True,
                         capture_output=True).stdout.decode()
    leaves, roots = [], {}
    counts = {"entry": 0, "root": 0, "inclusion": 0, "consistency": 0, "tamper": 0}
    tree = None

    def fail(msg):
        print("verify_proofs.py: FAIL: " + msg, file=sys.stderr)
        sys.exit(1)

    def hashes(field):
        return [] if field == "-" else [bytes.fromhex(h) for h in field.split(",")]

    for line in out.splitlines():
        f = line.split(" ")
        if f[0] == "hash":
            if f[1] != name:
                fail("tool used hash " + f[1])
        elif f[0] == "entry":
            seq, at = int(f[1]), int(f[2])
            actor = None if f[3] == "-" else int(f[3])
            unit = None if f[4] == "-" else int(f[4])
            kind, target, payload, got = (bytes.fromhex(x) for x in f[5:9])
            want = encode_entry(name, seq, at, actor, unit, kind, target, payload)
            if got != want:
                fail("entry %d: bytes %s, the format document gives %s" % (seq, got.hex(), want.hex()))
            leaves.append(digest(name, b"\x00" + got))
            counts["entry"] += 1
        elif f[0] == "root":
            if tree is None:
                tree = Tree(name, leaves)
            n, got = int(f[1]), bytes.fromhex(f[2])
            if got != tree.mth(0, n):
                fail("root of size %d differs" % n)
            roots[n] = got
            counts["root"] += 1
        elif f[0] == "inclusion":
            m, n, proof = int(f[1]), int(f[2]), hashes(f[3])
            if proof != tree.path(m, 0, n):
                fail("inclusion proof %d/%d differs from PATH" % (m, n))
            if not verify_inclusion(name, m, n, leaves[m], proof, roots[n]):
                fail("inclusion proof %d/%d does not verify" % (m, n))
            for i in range(len(proof)):
                if verify_inclusion(name, m, n, leaves[m], flipped(proof, i, (m + n + i) % 256), roots[n]):
                    fail("tampered inclusion proof %d/%d verifies" % (m, n))
                counts["tamper"] += 1
            counts["inclusion"] += 1
        elif f[0] == "consistency":
            m, n, proof = int(f[1]), int(f[2]), hashes(f[3])
            want = tree.subproof(m, 0, n, True) if 0 < m < n else []
            if proof != want:
                fail("consistency proof %d->%d differs from PROOF" % (m, n))
            if not verify_consistency(name, m, n, roots[m], roots[n], proof):
                fail("consistency proof %d->%d does not verify" % (m, n))
            for i in range(len(proof)):
                if verify_consistency(name, m, n, roots[m], roots[n], flipped(proof, i, (m * n + i) % 256)):
                    fail("tampered consistency proof %d->%d verifies" % (m, n))
                counts["tamper"] += 1
            counts["consistency"] += 1
        else:
            fail("unknown line: " + line[:40])
    if counts["entry"] != args.max or counts["root"] != args.max + 1:
        fail("incomplete output: %r" % counts)
    print("verify_proofs.py %s: ok %r" % (name, counts))


if __name__ == "__main__":
    main()
