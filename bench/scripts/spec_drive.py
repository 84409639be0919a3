#!/usr/bin/env python3
"""Calls every sync, end-to-end keys and user directory endpoint in its usual and edge cases, for checking
response shapes against the spec's OpenAPI schemas with a validating proxy put in front of the server.

    bin/myelin-dev --config bench/scripts/sync-load.yaml &      # open registration, no rate limits
    /usr/bin/python3 bench/scripts/spec_drive.py http://127.0.0.1:18008

Presence is only exercised when sync.presence.enabled is true. Needs python3-nacl and python3-signedjson
(device and cross-signing keys carry real Ed25519 signatures). Prints each request whose status was not the
expected one, and a few checks of content; SPEC_DRIVE_DUMP=FILE also writes every response to FILE as JSON
lines.
"""
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import nacl.signing
import signedjson.key
import signedjson.sign

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:18008"
RUN = str(int(time.time() * 1000))
PASSWORD = "correct horse battery staple"
DUMP = os.environ.get("SPEC_DRIVE_DUMP")
problems = []


def call(method, path, body=None, token=None, expect=200, query=None):
    url = BASE + "/_matrix/client/v3" + path
    if query:
        url += "?" + urllib.parse.urlencode(query)
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=60) as res:
            status, text = res.status, res.read()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read()
    out = json.loads(text) if text else {}
    if DUMP:
        with open(DUMP, "a") as f:
            f.write(json.dumps({"method": method, "url": url, "status": status, "body": out}) + "\n")
    if status != expect:
        problems.append(f"{method} {path}: {status} (expected {expect}) {str(out)[:200]}")
    return out


def q(s):
    return urllib.parse.quote(s, safe="")


def register(name):
    username = f"{name}{RUN}"
    body = {"username": username, "password": PASSWORD, "initial_device_display_name": name}
    first = call("POST", "/register", body, expect=401)
    body["auth"] = {"type": "m.login.dummy", "session": first.get("session")}
    out = call("POST", "/register", body)
    return out["user_id"], out["access_token"], out["device_id"]


def sign_device(user_id, device_id, signing):
    key_id = "ed25519:" + device_id
    keys = {"user_id": user_id, "device_id": device_id,
            "algorithms": ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
            "keys": {"curve25519:" + device_id: "curve" + device_id,
                     key_id: signedjson.key.encode_verify_key_base64(signing.verify_key)}}
    signing.version = device_id
    signing.alg = "ed25519"
    return signedjson.sign.sign_json(keys, user_id, signing)


def one_time_keys(user_id, signing, count, prefix):
    out = {}
    for i in range(count):
        out[f"signed_curve25519:{prefix}{i}"] = signedjson.sign.sign_json({"key": f"otk{prefix}{i}"}, user_id, signing)
    return out


def cross_signing_key(user_id, usage, signing, signer=None):
    pub = signedjson.key.encode_verify_key_base64(signing.verify_key)
    key = {"user_id": user_id, "usage": [usage], "keys": {"ed25519:" + pub: pub}}
    if signer is not None:
        key = signedjson.sign.sign_json(key, user_id, signer)
    return key


def named(seed):
    key = nacl.signing.SigningKey(seed.ljust(32, b"\0")[:32])
    key.alg = "ed25519"
    key.version = signedjson.key.encode_verify_key_base64(key.verify_key)
    return key


def main():
    alice, atok, adev = register("alice")
    bob, btok, bdev = register("bob")
    carol, ctok, _ = register("carol")

    # Rooms: one joined by both, one bob is invited to, one carol knocks on, one bob leaves.
    room = call("POST", "/createRoom", {"preset": "private_chat", "name": "spec", "topic": "shapes"}, atok)["room_id"]
    call("POST", f"/rooms/{q(room)}/invite", {"user_id": bob}, atok)
    call("POST", f"/join/{q(room)}", {}, btok)
    invited = call("POST", "/createRoom", {"preset": "private_chat", "invite": [bob]}, atok)["room_id"]
    knock = call("POST", "/createRoom", {"room_version": "10", "initial_state": [
        {"type": "m.room.join_rules", "state_key": "", "content": {"join_rule": "knock"}}]}, atok)["room_id"]
    left = call("POST", "/createRoom", {"preset": "public_chat"}, atok)["room_id"]
    call("POST", f"/join/{q(left)}", {}, btok)

    bob_first = call("GET", "/sync", token=btok)
    carol_first = call("GET", "/sync", token=ctok)
    call("POST", f"/knock/{q(knock)}", {"reason": "let me in"}, ctok)
    call("POST", f"/rooms/{q(left)}/leave", {}, btok)

    # Room activity: messages, state, typing, receipts, read markers, presence, account data.
    events = []
    for i in range(5):
        events.append(call("PUT", f"/rooms/{q(room)}/send/m.room.message/t{RUN}{i}",
                           {"msgtype": "m.text", "body": f"hello {i}"}, atok)["event_id"])
    call("PUT", f"/rooms/{q(room)}/state/m.room.topic", {"topic": "changed"}, atok)
    call("PUT", f"/rooms/{q(room)}/typing/{q(alice)}", {"typing": True, "timeout": 30000}, atok)
    call("POST", f"/rooms/{q(room)}/receipt/m.read/{q(events[-1])}", {}, btok)
    call("POST", f"/rooms/{q(room)}/receipt/m.read/{q(events[-2])}", {"thread_id": "main"}, atok)
    call("POST", f"/rooms/{q(room)}/read_markers",
         {"m.fully_read": events[-1], "m.read": events[-1], "m.read.private": events[-1]}, btok)
    call("PUT", f"/presence/{q(alice)}/status", {"presence": "online", "status_msg": "here"}, atok)
    call("GET", f"/presence/{q(alice)}/status", token=btok)
    call("GET", f"/presence/{q(bob)}/status", token=btok)
    call("PUT", f"/user/{q(bob)}/account_data/m.test", {"a": 1}, btok)
    call("PUT", f"/user/{q(bob)}/rooms/{q(room)}/account_data/m.test", {"b": 2}, btok)

    # Keys: device keys with real signatures, one-time and fallback keys, cross-signing, signatures.
    a_sign = named(b"alice" + RUN.encode())
    b_sign = named(b"bob" + RUN.encode())
    call("POST", "/keys/upload", {"device_keys": sign_device(alice, adev, a_sign),
                                  "one_time_keys": one_time_keys(alice, a_sign, 3, "a"),
                                  "fallback_keys": {"signed_curve25519:fb": dict(
                                      signedjson.sign.sign_json({"key": "fallback", "fallback": True}, alice,
                                                                a_sign))}}, atok)
    call("POST", "/keys/upload", {"device_keys": sign_device(bob, bdev, b_sign),
                                  "one_time_keys": one_time_keys(bob, b_sign, 1, "b")}, btok)
    call("POST", "/keys/upload", {}, atok)
    call("POST", "/keys/query", {"device_keys": {alice: [], bob: [bdev]}}, btok)
    call("POST", "/keys/query", {"device_keys": {"@nobody:elsewhere.invalid": []}, "timeout": 1000}, btok)
    call("POST", "/keys/claim", {"one_time_keys": {alice: {adev: "signed_curve25519"},
                                                   bob: {bdev: "signed_curve25519"}}}, btok)
    call("POST", "/keys/claim", {"one_time_keys": {bob: {bdev: "signed_curve25519"}}}, atok)

    def signing_keys(tag):
        master = named(b"master" + tag + RUN.encode())
        self_signing = named(b"self" + tag + RUN.encode())
        user_signing = named(b"usersign" + tag + RUN.encode())
        return self_signing, {
            "master_key": cross_signing_key(alice, "master", master),
            "self_signing_key": cross_signing_key(alice, "self_signing", self_signing, master),
            "user_signing_key": cross_signing_key(alice, "user_signing", user_signing, master)}

    # The first upload needs no authentication; replacing the keys does.
    call("POST", "/keys/device_signing/upload", signing_keys(b"old")[1], atok)
    self_signing, signing_body = signing_keys(b"new")
    challenge = call("POST", "/keys/device_signing/upload", signing_body, atok, expect=401)
    signing_body["auth"] = {"type": "m.login.password", "session": challenge.get("session"),
                            "identifier": {"type": "m.id.user", "user": alice}, "password": PASSWORD}
    call("POST", "/keys/device_signing/upload", signing_body, atok)
    device = sign_device(alice, adev, a_sign)
    device = signedjson.sign.sign_json(device, alice, self_signing)
    call("POST", "/keys/signatures/upload", {alice: {adev: device}}, atok)
    call("POST", "/keys/signatures/upload", {alice: {"NOSUCHDEVICE": {"user_id": alice, "device_id": "x"}}}, atok)
    call("POST", "/keys/query", {"device_keys": {alice: []}}, atok)

    # To-device messages.
    call("PUT", f"/sendToDevice/m.test/t{RUN}", {"messages": {bob: {bdev: {"hi": "there"}, "*": {"all": True}}}}, atok)

    # Incremental syncs for both, and a first sync with and without full state.
    mid = call("GET", "/sync", token=btok, query={"since": bob_first["next_batch"], "timeout": 0})
    call("GET", "/sync", token=btok, query={"since": bob_first["next_batch"], "full_state": "true"})
    call("GET", "/sync", token=atok, query={"set_presence": "unavailable"})
    knocked = call("GET", "/sync", token=ctok, query={"since": carol_first["next_batch"]})
    if alice in knocked.get("device_lists", {}).get("left", []):
        problems.append("a knock listed the room's members under device_lists.left")
    call("GET", "/sync", token=btok, query={"filter": json.dumps({"room": {"timeline": {"limit": 2}}})})
    call("GET", "/sync", token=btok, query={"since": mid["next_batch"], "timeout": 200})
    call("GET", "/keys/changes", token=btok, query={"from": bob_first["next_batch"], "to": mid["next_batch"]})

    # History: messages both ways, with a filter, context, legacy /events and /initialSync.
    back = call("GET", f"/rooms/{q(room)}/messages", token=btok, query={"dir": "b", "limit": 3})
    call("GET", f"/rooms/{q(room)}/messages", token=btok, query={"dir": "b", "from": back.get("end", ""), "limit": 50})
    call("GET", f"/rooms/{q(room)}/messages", token=btok, query={"dir": "f", "limit": 50})
    call("GET", f"/rooms/{q(room)}/messages", token=btok,
         query={"dir": "b", "filter": json.dumps({"lazy_load_members": True, "types": ["m.room.message"]})})
    call("GET", f"/rooms/{q(room)}/context/{q(events[2])}", token=btok, query={"limit": 4})
    call("GET", f"/rooms/{q(room)}/context/{q(events[0])}", token=btok,
         query={"limit": 2, "filter": json.dumps({"lazy_load_members": True})})
    call("GET", f"/rooms/{q(room)}/context/{q('$missing:x')}", token=btok, expect=404)
    call("GET", f"/rooms/{q('!nosuch:specfix.local')}/messages", token=btok, query={"dir": "b"}, expect=403)
    call("GET", "/initialSync", token=btok, query={"limit": 3})
    legacy = call("GET", "/events", token=btok, query={"timeout": 0})
    call("PUT", f"/rooms/{q(room)}/send/m.room.message/t{RUN}x", {"msgtype": "m.text", "body": "late"}, atok)
    call("GET", "/events", token=btok, query={"from": legacy.get("end", ""), "timeout": 1000})

    # Key backups.
    backup = {"algorithm": "m.megolm_backup.v1.curve25519-aes-sha2",
              "auth_data": {"public_key": "abcdefg", "signatures": {}}}
    call("GET", "/room_keys/version", token=atok, expect=404)
    version = call("POST", "/room_keys/version", backup, atok)["version"]
    call("GET", "/room_keys/version", token=atok)
    call("GET", f"/room_keys/version/{version}", token=atok)
    call("PUT", f"/room_keys/version/{version}", dict(backup, version=version), atok)
    session = {"first_message_index": 1, "forwarded_count": 0, "is_verified": True,
               "session_data": {"ephemeral": "e", "ciphertext": "c", "mac": "m"}}
    call("PUT", "/room_keys/keys", {"rooms": {room: {"sessions": {"s1": session}}}}, atok, query={"version": version})
    call("PUT", f"/room_keys/keys/{q(room)}", {"sessions": {"s2": session}}, atok, query={"version": version})
    call("PUT", f"/room_keys/keys/{q(room)}/s3", session, atok, query={"version": version})
    call("GET", "/room_keys/keys", token=atok, query={"version": version})
    call("GET", f"/room_keys/keys/{q(room)}", token=atok, query={"version": version})
    call("GET", f"/room_keys/keys/{q(room)}/s1", token=atok, query={"version": version})
    call("GET", f"/room_keys/keys/{q(room)}/nosuch", token=atok, query={"version": version}, expect=404)
    call("PUT", f"/room_keys/keys/{q(room)}/s4", session, atok, query={"version": "999999"}, expect=404)
    call("DELETE", f"/room_keys/keys/{q(room)}/s3", token=atok, query={"version": version})
    call("DELETE", f"/room_keys/keys/{q(room)}", token=atok, query={"version": version})
    call("DELETE", "/room_keys/keys", token=atok, query={"version": version})
    version2 = call("POST", "/room_keys/version", backup, atok)["version"]
    call("PUT", f"/room_keys/keys/{q(room)}/s5", session, atok, query={"version": version}, expect=403)
    call("GET", "/room_keys/keys", token=atok, query={"version": version2})
    call("GET", f"/room_keys/keys/{q(room)}", token=atok, query={"version": version2})
    call("DELETE", f"/room_keys/version/{version}", token=atok)
    call("GET", f"/room_keys/version/{version}", token=atok, expect=404)
    call("GET", "/room_keys/keys", token=atok, query={"version": version}, expect=404)
    call("DELETE", f"/room_keys/version/{version2}", token=atok)
    call("DELETE", f"/room_keys/version/{version2}", token=atok)

    # Variants: filters by id, lazy loading, event_fields, federation format, redactions, encryption, stops.
    filter_id = call("POST", f"/user/{q(bob)}/filter",
                     {"room": {"state": {"lazy_load_members": True}, "timeline": {"limit": 3}}}, btok)["filter_id"]
    call("GET", "/sync", token=btok, query={"filter": filter_id})
    call("GET", "/sync", token=btok, query={"filter": json.dumps({"event_fields": ["type", "content.body"]})})
    call("GET", "/sync", token=btok, query={"filter": json.dumps({"event_format": "federation"})})
    call("GET", "/sync", token=btok, query={"filter": json.dumps({"room": {"include_leave": True}})})
    call("GET", "/sync", token=btok, query={"since": "not-a-token"}, expect=400)
    call("PUT", f"/rooms/{q(room)}/redact/{q(events[1])}/r{RUN}", {"reason": "shape"}, atok)
    call("PUT", f"/rooms/{q(room)}/state/m.room.encryption", {"algorithm": "m.megolm.v1.aes-sha2"}, atok)
    call("PUT", f"/rooms/{q(room)}/typing/{q(alice)}", {"typing": False}, atok)
    call("PUT", f"/rooms/{q(room)}/typing/{q(bob)}", {"typing": True}, atok, expect=403)
    call("PUT", f"/rooms/{q(invited)}/typing/{q(bob)}", {"typing": True, "timeout": 1000}, btok, expect=403)
    call("POST", f"/rooms/{q(room)}/receipt/m.read/{q('$nosuch:x')}", {}, btok, expect=404)
    call("POST", f"/rooms/{q(room)}/receipt/m.bogus/{q(events[0])}", {}, btok, expect=400)
    call("POST", f"/rooms/{q(room)}/read_markers", {"m.fully_read": events[0]}, btok)
    call("PUT", f"/presence/{q(alice)}/status", {"presence": "online"}, btok, expect=403)
    call("PUT", f"/presence/{q(bob)}/status", {"presence": "busy"}, btok, expect=400)
    call("GET", f"/presence/{q(carol)}/status", token=btok, expect=403)
    call("PUT", f"/sendToDevice/m.test/w{RUN}", {"messages": {bob: {"*": {"all": True}}}}, atok)
    call("PUT", f"/sendToDevice/m.test/w{RUN}", {"messages": {bob: {"*": {"all": True}}}}, atok)
    call("PUT", f"/sendToDevice/m.test/x{RUN}", {"nothing": {}}, atok, expect=400)
    later = call("GET", "/sync", token=btok, query={"since": mid["next_batch"], "filter": filter_id})
    call("GET", "/sync", token=atok, query={"since": mid["next_batch"], "timeout": 0})
    call("GET", f"/rooms/{q(room)}/messages", token=btok, query={"dir": "b", "to": back.get("start", ""), "limit": 5})
    call("GET", f"/rooms/{q(room)}/messages", token=btok, query={"dir": "x"}, expect=400)
    call("GET", f"/rooms/{q(room)}/messages", token=btok, query={"dir": "b", "from": "garbage"}, expect=400)
    call("GET", f"/rooms/{q(room)}/context/{q(events[1])}", token=btok, query={"limit": 0})
    call("GET", "/initialSync", token=btok, query={"archived": "true", "limit": 1})
    call("PUT", f"/rooms/{q(room)}/send/m.room.message/th{RUN}", {"msgtype": "m.text", "body": "in thread",
         "m.relates_to": {"rel_type": "m.thread", "event_id": events[3]}}, atok)
    call("GET", "/sync", token=btok, query={"since": later["next_batch"], "timeout": 1000, "filter": json.dumps(
        {"room": {"timeline": {"unread_thread_notifications": True}}})})
    call("GET", "/sync", token=btok, query={"filter": json.dumps({"room": {"timeline": {
        "unread_thread_notifications": True, "limit": 1}}})})
    bad = dict(device)
    bad["signatures"] = {alice: {k: "AAAA" + v[4:] for k, v in device["signatures"][alice].items()}}
    call("POST", "/keys/signatures/upload", {alice: {adev: bad}}, atok)
    call("POST", "/keys/device_signing/upload", {"master_key": {"user_id": bob, "usage": ["master"]}}, btok,
         expect=400)
    call("POST", "/keys/upload", {"fallback_keys": {"signed_curve25519:fb2": dict(
        signedjson.sign.sign_json({"key": "fallback2", "fallback": True}, bob, b_sign))}}, btok)
    call("POST", "/keys/claim", {"one_time_keys": {bob: {bdev: "signed_curve25519", "NODEVICE": "signed_curve25519"},
                                                   "@x:elsewhere.invalid": {"D": "signed_curve25519"}}}, atok)
    call("POST", "/keys/query", {"device_keys": {carol: []}}, atok)
    call("POST", "/keys/upload", {"device_keys": {"user_id": bob, "device_id": "OTHER"}}, btok, expect=400)
    call("GET", "/keys/changes", token=btok, query={"from": mid["next_batch"], "to": later["next_batch"]})
    call("GET", "/keys/changes", token=btok, query={"from": "junk", "to": later["next_batch"]}, expect=400)
    call("POST", "/user_directory/search", {"search_term": "o", "limit": 1}, atok)
    call("POST", "/user_directory/search", {"limit": 1}, atok, expect=400)

    # A room joined and left between two syncs comes with its state before the timeline.
    before = call("GET", "/sync", token=btok, query={"timeout": 0})
    call("POST", f"/join/{q(left)}", {}, btok)
    call("POST", f"/rooms/{q(left)}/leave", {}, btok)
    time.sleep(0.5)
    after = call("GET", "/sync", token=btok, query={"since": before["next_batch"], "timeout": 0})
    gone = after.get("rooms", {}).get("leave", {}).get(left, {})
    seen = gone.get("state", {}).get("events", []) + gone.get("timeline", {}).get("events", [])
    if not any(e["type"] == "m.room.create" for e in seen):
        problems.append("room joined and left between syncs: no m.room.create in its state or timeline")

    # User directory.
    call("POST", "/user_directory/search", {"search_term": "alice", "limit": 5}, btok)
    call("POST", "/user_directory/search", {"search_term": "zzzz-nobody"}, btok)
    call("POST", "/user_directory/search", {"search_term": bob[1:4], "limit": 1}, atok)

    for p in problems:
        print(p)
    print(f"{len(problems)} unexpected statuses")


if __name__ == "__main__":
    main()
