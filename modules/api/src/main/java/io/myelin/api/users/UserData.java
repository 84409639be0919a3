package io.myelin.api.users;

/**
 * A user's data that other components read or change: account data, filters, push rules, devices, and
 * user-interactive authentication. Provided by the users component.
 *
 * <p>Changes of account data are announced on the bus stream {@code OutputClientData} (subject the user id,
 * payload {@code {"user_id","room_id","type"}}, {@code room_id} empty for global data); changes of devices on
 * {@code OutputKeyChangeEvent} as {@link io.myelin.api.keys.DeviceListChange} records.
 */
public interface UserData {

    /**
     * Reads account data.
     *
     * @param request whose data, and optionally which room and type
     * @return the matching entries
     */
    AccountDataResponse accountData(AccountDataRequest request);

    /**
     * Stores one account data entry and announces the change, as {@code PUT .../account_data/{type}} does.
     *
     * @param request the entry
     * @return the stored entry
     */
    AccountDataEntry putAccountData(PutAccountDataRequest request);

    /**
     * Looks up a filter a user created with {@code POST /user/{userId}/filter}.
     *
     * @param request the owner and the filter id
     * @return the filter, whose {@code filter} is null when the user has no such filter
     */
    FilterResponse filter(FilterRequest request);

    /**
     * A user's push rules with the server's defaults merged in, as {@code GET /pushrules/} returns them.
     *
     * @param request the user
     * @return the rule sets
     */
    PushRulesResponse pushRules(UserRequest request);

    /**
     * A local user's global profile, which local membership events carry (client-server API, "Events on change of
     * profile information").
     *
     * @param request the user
     * @return the profile; {@link ProfileResponse#EMPTY} for a remote or unknown user
     */
    ProfileResponse profile(UserRequest request);

    /**
     * The devices of local users.
     *
     * @param request the users
     * @return each known user's devices; users without devices or unknown users are absent
     */
    DevicesResponse devices(DevicesRequest request);

    /**
     * Runs a request body's {@code auth} dictionary through the server's user-interactive authentication
     * for an action of the user's (password stage; sessions bound to the purpose).
     *
     * @param request the user, the purpose of the session and the request body
     * @return whether the action may proceed, and otherwise the 401 body to send
     * @throws io.myelin.api.http.MatrixException 400 {@code M_UNKNOWN} when the session is unknown, expired
     *                                             or belongs to another purpose
     */
    UiaResponse authenticate(UiaRequest request);
}
