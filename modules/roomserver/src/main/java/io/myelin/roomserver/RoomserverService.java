package io.myelin.roomserver;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.helidon.http.Status;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.MatrixException;
import io.myelin.api.ServerIdentity;
import io.myelin.api.roomserver.AliasRequest;
import io.myelin.api.roomserver.AliasResponse;
import io.myelin.api.roomserver.AuthChainRequest;
import io.myelin.api.roomserver.AuthChainResponse;
import io.myelin.api.roomserver.CreateAliasRequest;
import io.myelin.api.roomserver.CreateRoomRequest;
import io.myelin.api.roomserver.CreateRoomResponse;
import io.myelin.api.roomserver.EventRequest;
import io.myelin.api.roomserver.EventResponse;
import io.myelin.api.roomserver.ForgetRequest;
import io.myelin.api.roomserver.ForgetResponse;
import io.myelin.api.roomserver.InputOutcome;
import io.myelin.api.roomserver.InputRequest;
import io.myelin.api.roomserver.InputResponse;
import io.myelin.api.roomserver.InputRoomEvent;
import io.myelin.api.roomserver.InviteRequest;
import io.myelin.api.roomserver.InviteResponse;
import io.myelin.api.roomserver.JoinedAfterRequest;
import io.myelin.api.roomserver.JoinedResponse;
import io.myelin.api.roomserver.LatestEventsResponse;
import io.myelin.api.roomserver.MembershipRequest;
import io.myelin.api.roomserver.MembershipsRequest;
import io.myelin.api.roomserver.MembershipsResponse;
import io.myelin.api.roomserver.PurgeRoomRequest;
import io.myelin.api.roomserver.PurgeRoomResponse;
import io.myelin.api.roomserver.RedactRequest;
import io.myelin.api.roomserver.RoomAliasesResponse;
import io.myelin.api.roomserver.RoomInfo;
import io.myelin.api.roomserver.RoomRequest;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.roomserver.RoomsRequest;
import io.myelin.api.roomserver.RoomsResponse;
import io.myelin.api.roomserver.SendEventRequest;
import io.myelin.api.roomserver.SendEventResponse;
import io.myelin.api.roomserver.StateIdsResponse;
import io.myelin.api.roomserver.StateRequest;
import io.myelin.api.roomserver.StateResponse;
import io.myelin.api.roomserver.UpgradeRoomRequest;
import io.myelin.api.roomserver.UpgradeRoomResponse;
import io.myelin.roomserver.input.InputWorker;
import io.myelin.roomserver.perform.Performer;
import io.myelin.roomserver.perform.ReceivedInvites;
import io.myelin.roomserver.query.Queries;
import io.myelin.roomserver.storage.RoomTables;

/**
 * {@link RoomserverApi} over the room queues, the performer and the queries.
 */
final class RoomserverService implements RoomserverApi {

    private final InputWorker worker;
    private final Performer performer;
    private final ReceivedInvites invites;
    private final Queries queries;
    private final RoomTables tables;
    private final ServerIdentity identity;

    RoomserverService(InputWorker worker, Performer performer, ReceivedInvites invites, Queries queries,
            RoomTables tables, ServerIdentity identity) {
        this.identity = identity;
        this.worker = worker;
        this.performer = performer;
        this.invites = invites;
        this.queries = queries;
        this.tables = tables;
    }

    @Override
    public InputResponse input(InputRequest request) {
        List<CompletableFuture<InputOutcome>> futures = new ArrayList<>();
        for (InputRoomEvent event : request.events()) {
            String roomId = roomIdOf(event);
            futures.add(worker.submit(roomId, event, !request.asynchronous()));
        }
        if (request.asynchronous()) {
            return new InputResponse(List.of());
        }
        return new InputResponse(futures.stream().map(Performer::outcome).toList());
    }

    private static String roomIdOf(InputRoomEvent event) {
        String roomId = event.event().getString("room_id", null);
        if (roomId != null) {
            return roomId;
        }
        // A version 12 create event names no room: its room is named after it.
        var version = io.myelin.protocol.RoomVersion.of(event.roomVersion() == null ? "" : event.roomVersion());
        if (version.isEmpty()) {
            throw MatrixException.badJson("An event without room_id needs its room version");
        }
        return io.myelin.protocol.event.Pdu.parse(version.get(), event.event()).roomId();
    }

    @Override
    public InviteResponse receiveInvite(InviteRequest request) {
        return invites.receive(request);
    }

    @Override
    public CreateRoomResponse createRoom(CreateRoomRequest request) {
        return performer.createRoom(request);
    }

    @Override
    public SendEventResponse sendEvent(SendEventRequest request) {
        return performer.send(request);
    }

    @Override
    public SendEventResponse changeMembership(MembershipRequest request) {
        return performer.membership(request);
    }

    @Override
    public SendEventResponse redact(RedactRequest request) {
        return performer.redact(request);
    }

    @Override
    public UpgradeRoomResponse upgradeRoom(UpgradeRoomRequest request) {
        return performer.upgradeRoom(request);
    }

    @Override
    public ForgetResponse forget(ForgetRequest request) {
        if (!tables.forget(request.roomId(), request.userId())) {
            boolean member = !tables.memberships(request.roomId(), request.userId(), null).isEmpty();
            if (member) {
                throw new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_UNKNOWN,
                        "The user is still in the room or invited to it");
            }
            throw MatrixException.notFound("The user was never in this room");
        }
        return new ForgetResponse(request.roomId());
    }

    @Override
    public PurgeRoomResponse purgeRoom(PurgeRoomRequest request) {
        int events = Performer.result(worker.submitPurge(request.roomId(), request.force(), identity.serverName()));
        return new PurgeRoomResponse(request.roomId(), events);
    }

    @Override
    public EventResponse event(EventRequest request) {
        return queries.event(request);
    }

    @Override
    public StateResponse state(StateRequest request) {
        return queries.state(request);
    }

    @Override
    public StateIdsResponse stateIds(StateRequest request) {
        return queries.stateIds(request);
    }

    @Override
    public MembershipsResponse memberships(MembershipsRequest request) {
        return queries.memberships(request);
    }

    @Override
    public boolean joinedAfter(JoinedAfterRequest request) {
        return queries.joinedAfter(request);
    }

    @Override
    public JoinedResponse joined(RoomRequest request) {
        return queries.joined(request);
    }

    @Override
    public LatestEventsResponse latestEvents(RoomRequest request) {
        return queries.latestEvents(request);
    }

    @Override
    public AuthChainResponse authChain(AuthChainRequest request) {
        return queries.authChain(request);
    }

    @Override
    public RoomInfo roomInfo(RoomRequest request) {
        return queries.roomInfo(request);
    }

    @Override
    public AliasResponse resolveAlias(AliasRequest request) {
        var row = tables.alias(request.alias());
        if (row.isEmpty()) {
            return new AliasResponse(null, null, List.of());
        }
        String roomId = row.get().roomId();
        // This server holds the alias, so it can always help with a join; servers with joined users follow.
        java.util.LinkedHashSet<String> servers = new java.util.LinkedHashSet<>();
        servers.add(identity.serverName());
        servers.addAll(queries.joined(new RoomRequest(roomId)).servers());
        return new AliasResponse(roomId, row.get().creator(), List.copyOf(servers));
    }

    @Override
    public boolean createAlias(CreateAliasRequest request) {
        return performer.createAlias(request.alias(), request.roomId(), request.creator());
    }

    @Override
    public boolean deleteAlias(AliasRequest request) {
        return tables.deleteAlias(request.alias());
    }

    @Override
    public RoomAliasesResponse roomAliases(RoomRequest request) {
        return new RoomAliasesResponse(tables.aliases(request.roomId()));
    }

    @Override
    public RoomsResponse rooms(RoomsRequest request) {
        return new RoomsResponse(tables.roomIds(request.after() == null ? "" : request.after(),
                Math.max(0, request.limit())));
    }
}
