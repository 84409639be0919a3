#!/usr/bin/python3
"""Generates the canonical JSON corpus the protocol tests compare against.

Run once with Debian's python3-canonicaljson, python3-signedjson and python3-nacl:

    /usr/bin/python3 modules/protocol/src/test/fixtures-gen/gen_canonical_corpus.py \
        > modules/protocol/src/test/resources/fixtures/canonical-corpus.tsv

Each output line holds tab-separated fields, the first three Base64 (standard, padded):
  1. the input JSON text, written loosely (whitespace, \\u escapes, keys in random order)
  2. the canonical JSON bytes canonicaljson.encode_canonical_json produces
  3. for objects, signedjson's ed25519 signature (server "domain", key ed25519:1, the appendix's test
     seed) over the same value; "-" for other values
  4. "strict" when every integer lies in [-(2**53)+1, 2**53-1], else "lenient"
The generator is seeded, so re-running it produces the same corpus.
"""
import base64
import json
import random
import sys

import canonicaljson
import nacl.signing
import signedjson.sign

SEED = base64.b64decode("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1=")
KEY = nacl.signing.SigningKey(SEED)
KEY.alg = "ed25519"
KEY.version = "1"

rng = random.Random(20261203)

# Characters that stress escaping, UTF-8 encoding and code point ordering.
AWKWARD = (
    [chr(c) for c in range(0x00, 0x20)]
    + ['"', "\\", "/", "\x7f", "\x80", "\xa0", "\xe9", "\xff"]
    + ["\u0100", "\u07ff", "\u0800", "\u2028", "\u2029", "\u65e5", "\u672c", "\ud7ff", "\ue000", "\ufeff",
       "\uff01", "\ufffd", "\uffff"]
    + ["\U00010000", "\U0001f600", "\U0001f4a9", "\U0010ffff", "\U00020000"]
)
PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:@!$# "


def text(max_len=12):
    out = []
    for _ in range(rng.randint(0, max_len)):
        out.append(rng.choice(AWKWARD) if rng.random() < 0.35 else rng.choice(PLAIN))
    return "".join(out)


def integer(allow_big):
    choice = rng.random()
    if choice < 0.3:
        return rng.randint(-100, 100)
    if choice < 0.6:
        return rng.randint(-(2 ** 53) + 1, 2 ** 53 - 1)
    if choice < 0.8:
        return rng.choice([0, -1, 2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 63 - 1 >> 11])
    if allow_big:
        return rng.choice([1, -1]) * rng.randint(2 ** 53, 10 ** rng.randint(16, 60))
    return rng.randint(-10 ** 6, 10 ** 6)


def value(depth, allow_big):
    kinds = ["str", "int", "bool", "null"]
    if depth < 5:
        kinds += ["obj", "arr", "obj", "arr"]
    kind = rng.choice(kinds)
    if kind == "str":
        return text()
    if kind == "int":
        return integer(allow_big)
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "null":
        return None
    if kind == "arr":
        return [value(depth + 1, allow_big) for _ in range(rng.randint(0, 5))]
    obj = {}
    for _ in range(rng.randint(0, 6)):
        obj[text(6)] = value(depth + 1, allow_big)
    return obj


def deep(levels):
    v = rng.choice([1, "x", None, [], {}])
    for i in range(levels):
        v = [v] if i % 2 else {text(3): v}
    return v


def loose(v):
    """Writes a value the way another implementation might: any escaping, any whitespace, any key order."""
    return json.dumps(v, ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, None, 0, 1, 4]))


def main():
    cases = []
    for i in range(600):
        allow_big = i % 5 == 0
        v = value(0, allow_big) if i % 3 else {text(6): value(1, allow_big) for _ in range(rng.randint(0, 8))}
        cases.append(v)
    cases += [deep(100), deep(300), {"": {"": [[], {}]}}, {"\U0001f600": 1, "\uffff": 2, "\ue000": 3, "a": 4}]
    for v in cases:
        source = loose(v).encode("utf-8")
        expected = canonicaljson.encode_canonical_json(v)
        if isinstance(v, dict):
            signed = signedjson.sign.sign_json(json.loads(source), "domain", KEY)
            signature = signed["signatures"]["domain"]["ed25519:1"]
        else:
            signature = "-"
        strict = "strict" if all_safe(v) else "lenient"
        sys.stdout.write("\t".join([
            base64.b64encode(source).decode("ascii"),
            base64.b64encode(expected).decode("ascii"),
            signature,
            strict,
        ]) + "\n")


def all_safe(v):
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return True
    if isinstance(v, int):
        return -(2 ** 53) + 1 <= v <= 2 ** 53 - 1
    if isinstance(v, list):
        return all(all_safe(x) for x in v)
    return all(all_safe(x) for x in v.values())


if __name__ == "__main__":
    main()
