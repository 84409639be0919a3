package io.myelin.api.users;

/**
 * A local user's global profile, as {@code GET /profile/{userId}} returns it.
 *
 * @param displayname the display name, or null when none is set or the user is unknown
 * @param avatarUrl   the avatar's {@code mxc://} URL, or null when none is set or the user is unknown
 */
public record ProfileResponse(String displayname, String avatarUrl) {

    /** A profile with neither field, for unknown and remote users. */
    public static final ProfileResponse EMPTY = new ProfileResponse(null, null);
}
