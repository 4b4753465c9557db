#!/usr/bin/env python3
"""Checks what a running zhifa serves with the independent verifier (verify_proofs.py, hashlib
only; shares no code with the C++). Input on stdin, JSON fetched from the HTTP API by
test/http/record.test.mjs:

  {"hash": "sm3", "checkpoints": [note, ...],                       # GET /record/checkpoints
   "leaves": [{"seq", "entry" (base64), "leaf_hash"}, ...],         # GET /record/leaves
   "inclusion": [{"index", "size", "proof": [hex]}, ...],           # GET /record/proof/inclusion
   "consistency": [{"old", "new", "proof": [hex]}, ...]}            # GET /record/proof/consistency

Checks: each entry's bytes start with version 1 and carry its seq; its leaf hash is
H(0x00 ‖ entry); each inclusion proof verifies (RFC 9162 §2.1.3.2) the leaf hash recomputed here
against the root in the checkpoint note of that size; each consistency proof verifies (§2.1.4.2)
between the roots of the two checkpoint notes; and a one-bit change of any proof element fails.
Prints "ok N" and exits 0, or the first disagreement and exits 1. (Checkpoint signatures are
checked by openssl in the same test.)
"""
import base64
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from verify_proofs import digest, verify_consistency, verify_inclusion, flipped  # noqa: E402


def parse_note(note):
    text = note.split("\n\n", 1)[0] + "\n"
    lines = text.split("\n")
    return int(lines[1]), base64.b64decode(lines[2], validate=True)


def main():
    data = json.load(sys.stdin)
    name = data["hash"]
    roots = {}
    for note in data["checkpoints"]:
        size, root = parse_note(note)
        roots[size] = root
    leaf_of = {}
    checked = 0
    for leaf in data["leaves"]:
        entry = base64.b64decode(leaf["entry"], validate=True)
        if entry[0] != 1 or struct.unpack(">Q", entry[1:9])[0] != leaf["seq"]:
            print(f"entry {leaf['seq']}: version or seq field wrong")
            return 1
        h = digest(name, b"\x00" + entry)
        if h.hex() != leaf["leaf_hash"]:
            print(f"entry {leaf['seq']}: leaf hash differs")
            return 1
        leaf_of[leaf["seq"] - 1] = h
        checked += 1
    for p in data["inclusion"]:
        proof = [bytes.fromhex(x) for x in p["proof"]]
        idx, size = p["index"], p["size"]
        if not verify_inclusion(name, idx, size, leaf_of[idx], proof, roots[size]):
            print(f"inclusion proof of {idx} in {size} does not verify")
            return 1
        for i in range(len(proof)):
            if verify_inclusion(name, idx, size, leaf_of[idx], flipped(proof, i, 0), roots[size]):
                print(f"inclusion proof of {idx} in {size} still verifies with element {i} changed")
                return 1
        checked += 1
    for p in data["consistency"]:
        proof = [bytes.fromhex(x) for x in p["proof"]]
        old, new = p["old"], p["new"]
        if not verify_consistency(name, old, new, roots[old], roots[new], proof):
            print(f"consistency proof {old} -> {new} does not verify")
            return 1
        for i in range(len(proof)):
            if verify_consistency(name, old, new, roots[old], roots[new], flipped(proof, i, 0)):
                print(f"consistency proof {old} -> {new} still verifies with element {i} changed")
                return 1
        checked += 1
    print(f"ok {checked}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
