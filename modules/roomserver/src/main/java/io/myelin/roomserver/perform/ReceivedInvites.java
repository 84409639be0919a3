package io.myelin.roomserver.perform;

import java.util.Map;

import io.helidon.http.Status;
import io.myelin.api.ServerIdentity;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.MatrixException;
import io.myelin.api.roomserver.InputOutcome;
import io.myelin.api.roomserver.InviteRequest;
import io.myelin.api.roomserver.InviteResponse;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.event.EventSigning;
import io.myelin.protocol.event.Pdu;
import io.myelin.protocol.event.PduCheck;
import io.myelin.protocol.event.PduValidator;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.roomserver.input.InputWorker;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;

/**
 * Invites other servers send for local users (server-server API, {@code PUT /_matrix/federation/v2/invite}): the
 * checks the spec asks of the invited server that need no keys, this server's co-signature, and, for a room this
 * server is not in, the invite stored in the room's turn. Federation checks the signatures before it calls this.
 */
public final class ReceivedInvites {

    private final InputWorker worker;
    private final ServerIdentity identity;

    /**
     * @param worker   the room queues
     * @param identity this server
     */
    public ReceivedInvites(InputWorker worker, ServerIdentity identity) {
        this.worker = worker;
        this.identity = identity;
    }

    /**
     * Checks, co-signs and stores an invite.
     *
     * @param request the room version, the event and the stripped state
     * @return the event with this server's signature added
     */
    public InviteResponse receive(InviteRequest request) {
        String versionId = request.roomVersion() == null ? "" : request.roomVersion();
        RoomVersion version = RoomVersion.of(versionId).orElseThrow(() -> new MatrixException(
                Status.BAD_REQUEST_400, ErrorCode.M_INCOMPATIBLE_ROOM_VERSION,
                "This server does not support room version " + versionId, null, Map.of("room_version", versionId)));
        if (request.event() == null) {
            throw MatrixException.missingParam("The invite event is missing");
        }
        // A content hash that does not match would have this server sign something other than what was sent.
        PduCheck check = PduValidator.checkWithoutSignatures(version, request.event());
        if (check.outcome() != PduCheck.Outcome.ACCEPT) {
            throw MatrixException.invalidParam("The invite is not a valid event: " + check.reason());
        }
        Pdu pdu = check.pdu();
        requireInvite(pdu);
        requireStrippedState(version, request);

        JsonObject signed = EventSigning.addSignature(request.event(), version, identity.serverName(),
                identity.signingKey());
        InputOutcome outcome = Performer.outcome(worker.submitInvite(pdu.roomId(), version,
                Pdu.parse(version, withStrippedState(signed, request))));
        if (outcome != null && !InputOutcome.ACCEPTED.equals(outcome.status())) {
            throw MatrixException.forbidden("The invite was not accepted: " + outcome.reason());
        }
        return new InviteResponse(signed);
    }

    /** What the spec has the invited server refuse to sign. */
    private void requireInvite(Pdu pdu) {
        if (!"m.room.member".equals(pdu.type())) {
            throw MatrixException.invalidParam("The event is not an m.room.member event");
        }
        if (!(pdu.content().get("membership") instanceof JsonString m) || !m.getString().equals("invite")) {
            throw MatrixException.invalidParam("The event's membership is not invite");
        }
        String local = ":" + identity.serverName();
        if (pdu.stateKey() == null || !pdu.stateKey().startsWith("@") || !pdu.stateKey().endsWith(local)) {
            throw MatrixException.invalidParam("The invited user is not a user of this server");
        }
        if (pdu.sender().endsWith(local)) {
            throw MatrixException.invalidParam("The inviting user is a user of this server");
        }
    }

    /**
     * Every stripped state event names its type; from room version 12 on the room's create event must be among
     * them (servers may ask it of earlier versions too; this one does not, as older servers leave it out).
     */
    private static void requireStrippedState(RoomVersion version, InviteRequest request) {
        boolean create = false;
        for (JsonObject event : request.inviteRoomState()) {
            if (!(event.get("type") instanceof JsonString type)) {
                throw MatrixException.invalidParam("An event of invite_room_state has no type");
            }
            create |= type.getString().equals("m.room.create");
        }
        if (version.v12Rules() && !create) {
            throw MatrixException.invalidParam("invite_room_state lacks the room's m.room.create event");
        }
    }

    /** The event as stored: the stripped state in {@code unsigned.invite_room_state}, where sync looks for it. */
    private static JsonObject withStrippedState(JsonObject event, InviteRequest request) {
        if (request.inviteRoomState().isEmpty()) {
            return event;
        }
        JsonObjectBuilder unsigned = event.get("unsigned") instanceof JsonObject u
                ? JsonSupport.objectBuilder(u) : JsonSupport.objectBuilder();
        unsigned.add("invite_room_state", JsonSupport.provider().createArrayBuilder(request.inviteRoomState()));
        return JsonSupport.objectBuilder(event).add("unsigned", unsigned).build();
    }
}
