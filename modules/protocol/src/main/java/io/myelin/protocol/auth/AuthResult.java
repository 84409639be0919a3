package io.myelin.protocol.auth;

/**
 * The outcome of checking an event against the authorization rules. A rejection names the rule that
 * failed and says why, so that logs and operator tools can explain it.
 */
public sealed interface AuthResult {

    /** The single allowed outcome. */
    AuthResult ALLOWED = new Allowed();

    /**
     * A rejection.
     *
     * @param rule the rule, for example {@code "membership.join"}
     * @param reason a sentence for logs and operators
     * @return the result
     */
    static AuthResult reject(String rule, String reason) {
        return new Rejected(rule, reason);
    }

    /** @return whether the event is allowed */
    default boolean allowed() {
        return this instanceof Allowed;
    }

    /** The event passes the rules. */
    record Allowed() implements AuthResult {
        @Override
        public String toString() {
            return "allowed";
        }
    }

    /**
     * The event fails the rules.
     *
     * @param rule a short name of the failed rule
     * @param reason why the event failed it
     */
    record Rejected(String rule, String reason) implements AuthResult {
        @Override
        public String toString() {
            return "rejected by " + rule + ": " + reason;
        }
    }
}
