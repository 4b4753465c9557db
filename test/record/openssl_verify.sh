#!/usr/bin/env bash
# Checks a checkpoint signed by zhifa with nothing but the openssl binary and the PEM public key,
# using exactly the commands of docs/record-log-format.md ("Checking a signature with openssl").
# usage: openssl_verify.sh <record_crypto_tool> <sm2|ed25519>
set -euo pipefail
tool=$1 alg=$2
dir=$(mktemp -d "${TMPDIR:-/tmp}/zhifa-openssl-verify.XXXXXX")
trap 'rm -rf "$dir"' EXIT
"$tool" checkpoint "$alg" "$dir" >/dev/null
[[ $(stat -c %a "$dir/signing-key.pem") == 600 ]] || { echo "FAIL: key file mode not 0600"; exit 1; }

verify() {  # $1 = signed checkpoint; the documented commands, run in $dir
  (cd "$dir" &&
   sed '/^$/,$d' "$1" > note.txt &&
   grep '^— ' "$1" | head -n 1 | cut -d ' ' -f 3 | base64 -d | tail -c +5 > sig.bin &&
   if [[ $alg == sm2 ]]; then
     openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -digest sm3 \
       -pkeyopt distid:1234567812345678 -in note.txt -sigfile sig.bin
   else
     openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in note.txt -sigfile sig.bin
   fi)
}

out=$(verify checkpoint) || { echo "FAIL: openssl rejects the genuine checkpoint: $out"; exit 1; }
[[ $out == "Signature Verified Successfully" ]] || { echo "FAIL: unexpected: $out"; exit 1; }

# A changed tree size (line 2) must be refused.
sed '2s/^10$/11/' "$dir/checkpoint" > "$dir/tampered"
cmp -s "$dir/checkpoint" "$dir/tampered" && { echo "FAIL: tamper did not change the note"; exit 1; }
if verify tampered >/dev/null 2>&1; then echo "FAIL: openssl accepts a tampered checkpoint"; exit 1; fi
echo "openssl_verify.sh $alg: ok (genuine accepted, tampered refused)"
