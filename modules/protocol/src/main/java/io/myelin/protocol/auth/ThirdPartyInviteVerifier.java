package io.myelin.protocol.auth;

import java.util.List;

import jakarta.json.JsonObject;

/**
 * Checks the {@code signed} object of a third-party invite against the public keys of the room's
 * {@code m.room.third_party_invite} event (auth rule "membership is invite", step 1.7). It needs canonical
 * JSON and Ed25519, which live outside the authorization rules, so callers supply it.
 */
@FunctionalInterface
public interface ThirdPartyInviteVerifier {

    /** A verifier for callers that cannot verify: every third-party invite is rejected. */
    ThirdPartyInviteVerifier UNAVAILABLE = (signed, publicKeys) -> false;

    /**
     * Whether any signature in {@code signed} verifies with any of the keys.
     *
     * @param signed the {@code content.third_party_invite.signed} object
     * @param publicKeys the unpadded base64 Ed25519 public keys of the third-party invite event
     * @return whether one signature verifies
     */
    boolean verify(JsonObject signed, List<String> publicKeys);
}
