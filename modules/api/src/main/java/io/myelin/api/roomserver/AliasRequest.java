package io.myelin.api.roomserver;

/**
 * A room alias to look up or remove.
 *
 * @param alias the full alias, {@code #local:server}
 */
public record AliasRequest(String alias) {
}
