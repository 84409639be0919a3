package io.myelin.protocol.event;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.json.JsonObject;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.crypto.JsonSignatures;
import io.myelin.protocol.crypto.KeyLookup;
import io.myelin.protocol.id.EventId;
import io.myelin.protocol.id.RoomId;
import io.myelin.protocol.id.UserId;
import io.myelin.protocol.json.CanonicalJson;
import io.myelin.protocol.json.JsonSupport;

/**
 * The checks a server makes on an event it receives before authorization (server-server API, "Checks
 * performed on receipt of a PDU", steps 1-3, and "Validating hashes and signatures on received events"),
 * plus the size limits of the client-server API's "Size limits". Authorization (steps 4-6) is elsewhere.
 *
 * <p>The checks run in an order that never stores what an attacker forged: format and signatures first
 * (failures drop the event), then the content hash (a mismatch redacts it), then limits (failures reject
 * the kept copy).
 */
public final class PduValidator {

    /** Largest event, as canonical JSON in the federation format including signatures. */
    public static final int MAX_EVENT_BYTES = 65536;
    /** Largest {@code type} and {@code state_key}, in bytes. */
    public static final int MAX_KEY_BYTES = 255;
    /** Most {@code prev_events} an event may reference. */
    public static final int MAX_PREV_EVENTS = 20;
    /** Most {@code auth_events} an event may reference. */
    public static final int MAX_AUTH_EVENTS = 10;

    private PduValidator() {
    }

    /**
     * Checks a received event.
     *
     * @param version the room version of the event's room
     * @param json the event as received
     * @param keys where to find the signing servers' keys (already fetched)
     * @return the outcome, never an exception for bad input
     */
    public static PduCheck check(RoomVersion version, JsonObject json, KeyLookup keys) {
        return guarded(version, json, java.util.Objects.requireNonNull(keys, "keys"));
    }

    /**
     * Checks a received event without its signatures: format (step 1), content hash (step 3) and the limits.
     * For a caller that has no keys to check the signatures with; they must be checked elsewhere.
     *
     * @param version the room version of the event's room
     * @param json the event as received
     * @return the outcome, never an exception for bad input
     */
    public static PduCheck checkWithoutSignatures(RoomVersion version, JsonObject json) {
        return guarded(version, json, null);
    }

    private static PduCheck guarded(RoomVersion version, JsonObject json, KeyLookup keys) {
        try {
            return checkSteps(version, json, keys);
        } catch (ProtocolException e) {
            // Any later step that finds the event cannot be encoded or read: it is not a valid event.
            return PduCheck.drop("invalid event: " + e.getMessage());
        }
    }

    private static PduCheck checkSteps(RoomVersion version, JsonObject json, KeyLookup keys) {
        Pdu pdu;
        try {
            // Step 1: a valid event of its version. In versions 6+ every number must be a safe integer.
            pdu = Pdu.parse(version, json);
            if (version.strictCanonicalJson()) {
                CanonicalJson.encodeStrict(json);
            }
            checkIdentifiers(pdu);
        } catch (ProtocolException e) {
            return PduCheck.drop("invalid event: " + e.getMessage());
        }
        try {
            // Step 2: signatures, checked on the redacted form so that a redacted copy verifies too.
            for (String server : keys == null ? Set.<String>of() : requiredSigners(pdu)) {
                verifySignature(pdu, server, keys);
            }
        } catch (ProtocolException e) {
            return PduCheck.drop("signature check failed: " + e.getMessage());
        }
        // Step 3: a content hash mismatch means we were sent something other than what was signed.
        Pdu kept = pdu;
        String hashProblem = null;
        if (!EventHashes.contentHashMatches(json, version)) {
            try {
                kept = Pdu.parse(version, Redaction.redact(json, version));
            } catch (ProtocolException e) {
                return PduCheck.drop("content hash mismatch and the redacted copy is invalid: " + e.getMessage());
            }
            hashProblem = "content hash mismatch; using the redacted copy";
        }
        String overLimit = limitProblem(kept);
        if (overLimit != null) {
            return new PduCheck(PduCheck.Outcome.REJECT, kept, overLimit);
        }
        return hashProblem == null ? PduCheck.accept(kept) : new PduCheck(PduCheck.Outcome.REDACT, kept, hashProblem);
    }

    /**
     * The servers whose signatures an event needs: the sender's server (except for an invite made from a
     * third-party invite, which another server may send), the server in the event id for versions 1-2, and
     * for a restricted join the server of {@code join_authorised_via_users_server}.
     *
     * @param pdu the event
     * @return the server names, without repeats
     */
    public static Set<String> requiredSigners(Pdu pdu) {
        Set<String> servers = new LinkedHashSet<>();
        boolean thirdPartyInvite = pdu.type().equals("m.room.member")
                && "invite".equals(JsonSupport.stringOrNull(pdu.content(), "membership"))
                && pdu.content().containsKey("third_party_invite");
        if (!thirdPartyInvite) {
            servers.add(UserId.parse(pdu.sender()).serverName().toString());
        }
        if (pdu.roomVersion().eventIdFormat() == RoomVersion.EventIdFormat.SERVER_SCOPED) {
            String id = pdu.eventId();
            servers.add(id.substring(id.indexOf(':') + 1));
        }
        String authorisedVia = JsonSupport.stringOrNull(pdu.content(), "join_authorised_via_users_server");
        if (pdu.roomVersion().restrictedJoins() && pdu.type().equals("m.room.member")
                && "join".equals(JsonSupport.stringOrNull(pdu.content(), "membership")) && authorisedVia != null) {
            servers.add(UserId.parse(authorisedVia).serverName().toString());
        }
        return servers;
    }

    /**
     * Whether a server has validly signed an event, for authorization rules that ask (such as the
     * {@code join_authorised_via_users_server} rule of restricted rooms).
     *
     * @param pdu the event
     * @param server the server name
     * @param keys where to find its keys
     * @return whether the event carries a valid signature of that server
     */
    public static boolean isSignedBy(Pdu pdu, String server, KeyLookup keys) {
        try {
            verifySignature(pdu, server, keys);
            return true;
        } catch (ProtocolException e) {
            return false;
        }
    }

    private static void verifySignature(Pdu pdu, String server, KeyLookup keys) {
        RoomVersion version = pdu.roomVersion();
        long validAt = version.enforcesKeyValidity() ? pdu.originServerTs() : JsonSignatures.ANY_TIME;
        JsonSignatures.verify(Redaction.redact(pdu.json(), version), server, keys, validAt,
                version.strictCanonicalJson());
    }

    private static void checkIdentifiers(Pdu pdu) {
        RoomVersion version = pdu.roomVersion();
        if (byteLength(pdu.type()) > MAX_KEY_BYTES
                || (pdu.stateKey() != null && byteLength(pdu.stateKey()) > MAX_KEY_BYTES)) {
            // Checked in limitProblem; skip grammar checks that would misreport it as malformed.
            return;
        }
        UserId.parse(pdu.sender());
        if (!(version.v12Rules() && pdu.type().equals("m.room.create"))) {
            RoomId.parse(pdu.roomId(), version);
        }
        if (version.eventIdFormat() == RoomVersion.EventIdFormat.SERVER_SCOPED) {
            EventId.check(pdu.eventId(), version);
        }
        checkReferences(pdu.prevEventIds(), version);
        checkReferences(pdu.authEventIds(), version);
        if (pdu.redacts() != null) {
            EventId.check(pdu.redacts(), version);
        }
    }

    private static void checkReferences(List<String> ids, RoomVersion version) {
        for (String id : ids) {
            EventId.check(id, version);
        }
    }

    private static String limitProblem(Pdu pdu) {
        int size = CanonicalJson.encode(pdu.json(), pdu.roomVersion().strictCanonicalJson()).length;
        if (size > MAX_EVENT_BYTES) {
            return "event is " + size + " bytes, over the limit of " + MAX_EVENT_BYTES;
        }
        if (byteLength(pdu.type()) > MAX_KEY_BYTES) {
            return "type is longer than " + MAX_KEY_BYTES + " bytes";
        }
        if (pdu.stateKey() != null && byteLength(pdu.stateKey()) > MAX_KEY_BYTES) {
            return "state_key is longer than " + MAX_KEY_BYTES + " bytes";
        }
        if (pdu.prevEventIds().size() > MAX_PREV_EVENTS) {
            return "more than " + MAX_PREV_EVENTS + " prev_events";
        }
        if (pdu.authEventIds().size() > MAX_AUTH_EVENTS) {
            return "more than " + MAX_AUTH_EVENTS + " auth_events";
        }
        return null;
    }

    private static int byteLength(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
