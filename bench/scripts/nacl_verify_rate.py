#!/usr/bin/python3
"""Measures libsodium's Ed25519 verification rate on one core through Debian's python3-nacl.

Usage (from the repository root, after building bench/target/benchmarks.jar):

    java -cp bench/target/benchmarks.jar io.myelin.bench.protocol.Ed25519Benchmark /tmp/msg.bin > /tmp/sig.txt
    /usr/bin/python3 bench/scripts/nacl_verify_rate.py /tmp/msg.bin $(cat /tmp/sig.txt)

The message is the redacted canonical form of the same 1 KB event the JMH benchmarks verify. Rates are
measured on the lowest binding PyNaCl 1.5 offers (nacl.bindings.crypto_sign_open, which calls
libsodium's crypto_sign_open on signature || message), and also through
PyNaCl's VerifyKey.verify, which adds Python overhead; both are single-threaded.
"""
import base64
import sys
import time

import nacl.bindings
import nacl.signing


def unpadded(text):
    return base64.b64decode(text + "=" * (-len(text) % 4))


def rate(fn, seconds, clock):
    # Warm up, then count calls in whole batches until the time is spent on the given clock.
    for _ in range(200):
        fn()
    done = 0
    start = clock()
    while True:
        for _ in range(500):
            fn()
        done += 500
        elapsed = clock() - start
        if elapsed >= seconds:
            return done / elapsed


def main():
    message = open(sys.argv[1], "rb").read()
    public_key = unpadded(sys.argv[2])
    signature = unpadded(sys.argv[3])
    seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 5.0
    key = nacl.signing.VerifyKey(public_key)
    key.verify(message, signature)

    signed = signature + message
    print("message bytes: %d" % len(message))
    # CPU time of this thread is what stays comparable on a machine shared with other work; wall-clock
    # rates are printed too.
    for label, clock in (("per CPU-second", time.thread_time), ("per wall-clock second", time.perf_counter)):
        raw = sorted(rate(lambda: nacl.bindings.crypto_sign_open(signed, public_key), seconds, clock)
                     for _ in range(3))[1]
        wrapped = sorted(rate(lambda: key.verify(message, signature), seconds, clock) for _ in range(3))[1]
        print("libsodium crypto_sign_open: %.0f verifications %s (one thread, median of 3)" % (raw, label))
        print("PyNaCl VerifyKey.verify:    %.0f verifications %s (one thread, median of 3)" % (wrapped, label))


if __name__ == "__main__":
    main()
