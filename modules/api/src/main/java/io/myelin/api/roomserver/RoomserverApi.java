package io.myelin.api.roomserver;

/**
 * The roomserver's operations. Writes to one room are serialised by the room's input queue; every method
 * that changes a room returns once the outcome is committed (or, for asynchronous input, once queued).
 *
 * <p>Failures a client caused are thrown as {@link io.myelin.api.http.MatrixException} (for example
 * {@code M_FORBIDDEN} when the authorization rules refuse an event).
 */
public interface RoomserverApi {

    /**
     * Adds events received from elsewhere (federation, backfill, imports) to their rooms.
     *
     * @param request the events and whether to wait for them
     * @return one outcome per event, in order; empty outcomes when the request was asynchronous
     */
    InputResponse input(InputRequest request);

    /**
     * Takes an invite another server sent for a local user (server-server API, {@code /invite}). For a room this
     * server is not in, the event is stored as an outlier without an authorization check (this server has none of
     * the room's state; federation checked the signatures), the user's membership becomes {@code invite} and a
     * {@code new_invite} record announces it with the stripped state in the event's
     * {@code unsigned.invite_room_state}. For a room this server is in, nothing is stored: the event arrives
     * again in a transaction, as every event of the room does. Either way the event is returned co-signed.
     *
     * @param request the room version, the event and the stripped state
     * @return the event with this server's signature added
     * @throws io.myelin.api.http.MatrixException {@code M_INVALID_PARAM} when the event is not an invite of a
     *         local user by a remote one, or its content hash does not match; {@code M_INCOMPATIBLE_ROOM_VERSION}
     *         for a room version this server does not support
     */
    InviteResponse receiveInvite(InviteRequest request);

    /**
     * Creates a room as the client-server API's {@code POST /createRoom} describes.
     *
     * @param request the creator and the request body's fields
     * @return the new room's id
     */
    CreateRoomResponse createRoom(CreateRoomRequest request);

    /**
     * Builds, signs and sends a local event to a room whose current state allows it.
     *
     * @param request the event
     * @return the event id
     */
    SendEventResponse sendEvent(SendEventRequest request);

    /**
     * Changes a membership: join, leave, invite, kick, ban, unban or knock, in rooms this server takes part in.
     *
     * @param request the change
     * @return the membership event's id
     */
    SendEventResponse changeMembership(MembershipRequest request);

    /**
     * Redacts an event.
     *
     * @param request the redaction
     * @return the redaction event's id
     */
    SendEventResponse redact(RedactRequest request);

    /**
     * Upgrades a room: creates the replacement with the old room's transferable state, sends the tombstone and
     * stops ordinary users from sending in the old room.
     *
     * @param request the room, the user and the new version
     * @return the replacement room
     */
    UpgradeRoomResponse upgradeRoom(UpgradeRoomRequest request);

    /**
     * Forgets a room for a user who left it or was banned; a later membership change undoes it.
     *
     * @param request the room and the user
     * @return the room
     * @throws io.myelin.api.http.MatrixException {@code M_UNKNOWN} (400) when the user is still in the room or
     *         invited, {@code M_NOT_FOUND} when the user never was in it
     */
    ForgetResponse forget(ForgetRequest request);

    /**
     * Purges a room, an administrator's operation: deletes its events, state, memberships, extremities and local
     * aliases, so that this server holds nothing of it, and publishes a {@code purge} record for the other
     * components to drop theirs. Nothing is sent to other servers, and users of this server still joined are not
     * told: without {@code force} the purge is refused while there are any.
     *
     * @param request the room and whether to force it
     * @return the room and how many events were deleted
     * @throws io.myelin.api.http.MatrixException {@code M_NOT_FOUND} for an unknown room, {@code M_UNKNOWN}
     *         (400) while users of this server are joined and {@code force} is not set
     */
    PurgeRoomResponse purgeRoom(PurgeRoomRequest request);

    /**
     * Looks up an event by id, with redaction applied.
     *
     * @param request the event id
     * @return the event, or a response whose {@code event} is null when it is unknown
     */
    EventResponse event(EventRequest request);

    /**
     * Reads room state: the current state, or the state before or after an event, whole or for some keys.
     *
     * @param request the room, the point and the keys
     * @return the state events; none when the room, the event or its state there is unknown
     */
    StateResponse state(StateRequest request);

    /**
     * Reads room state as event ids, as {@link #state} chooses it, without loading the events.
     *
     * @param request the room, the point and the keys
     * @return the entries, and whether the state asked for is known
     */
    StateIdsResponse stateIds(StateRequest request);

    /**
     * Reads memberships of a room or of a user.
     *
     * @param request the room or the user, and an optional membership to filter by
     * @return the memberships
     */
    MembershipsResponse memberships(MembershipsRequest request);

    /**
     * Tells whether a user has an accepted {@code join} membership event in the event's room deeper than the
     * event: whether the user joined the room at some point after it, however many membership changes lie between.
     *
     * @param request the user and the event
     * @return whether such a join exists; false for an unknown event
     */
    boolean joinedAfter(JoinedAfterRequest request);

    /**
     * Reads the joined users of a room and their servers.
     *
     * @param request the room
     * @return the users and servers
     */
    JoinedResponse joined(RoomRequest request);

    /**
     * Reads a room's forward extremities: the events a new event would name as {@code prev_events}.
     *
     * @param request the room
     * @return the latest events and the greatest depth
     */
    LatestEventsResponse latestEvents(RoomRequest request);

    /**
     * Reads the auth chain of events: every event reachable through {@code auth_events}.
     *
     * @param request the events
     * @return the chain's events, without the given events unless one is in another's chain
     */
    AuthChainResponse authChain(AuthChainRequest request);

    /**
     * Reads what the roomserver knows of a room.
     *
     * @param request the room
     * @return the room's version and whether it is known
     */
    RoomInfo roomInfo(RoomRequest request);

    /**
     * Resolves a local room alias.
     *
     * @param request the alias
     * @return the room and servers to join through; an unknown response when no room has the alias
     */
    AliasResponse resolveAlias(AliasRequest request);

    /**
     * Maps a local alias to a room unless the alias is taken. The caller checks who may do so.
     *
     * @param request the alias, the room and the creator
     * @return whether the mapping was made; false when the alias already names a room
     */
    boolean createAlias(CreateAliasRequest request);

    /**
     * Removes a local alias. The caller checks who may do so.
     *
     * @param request the alias
     * @return whether the alias existed
     */
    boolean deleteAlias(AliasRequest request);

    /**
     * Lists the local aliases of a room.
     *
     * @param request the room
     * @return the aliases
     */
    RoomAliasesResponse roomAliases(RoomRequest request);

    /**
     * Lists the rooms the roomserver knows, a page at a time, for components that index every room.
     *
     * @param request where the page starts and its size
     * @return the room ids after {@code request.after()}, in ascending order
     */
    RoomsResponse rooms(RoomsRequest request);
}
