/**
 * The service every authenticated client endpoint goes through: {@link io.myelin.api.users.AccessTokens},
 * provided by the users component, and the {@link io.myelin.api.users.Authentication} helper.
 *
 * <p>A component lists {@code AccessTokens.class} in its {@code needs()}, takes it from the context in
 * {@code start}, and begins each authenticated handler with
 * {@code Requester who = Authentication.require(req, tokens);}, which answers 401 itself when the token is
 * missing, unknown or expired.
 */
package io.myelin.api.users;
