/**
 * The authorization rules of room versions 1 to 12 as pure functions: {@link io.myelin.protocol.auth.AuthRules}
 * checks an event against its auth events or against room state and returns an
 * {@link io.myelin.protocol.auth.AuthResult} that names the failed rule; {@link
 * io.myelin.protocol.auth.AuthEventsSelector} says which state an event must cite.
 */
package io.myelin.protocol.auth;
