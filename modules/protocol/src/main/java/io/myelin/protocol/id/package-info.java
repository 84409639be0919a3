/**
 * Matrix identifiers (appendix, "Identifier Grammar"): user ids, room ids, event ids, room aliases, server
 * names and device ids. Each parses a string, checks its grammar and the 255-byte limit, and throws
 * {@link io.myelin.protocol.ProtocolException} saying what is wrong.
 */
package io.myelin.protocol.id;
