/**
 * Ed25519 signing keys and their key file, signed JSON, server key documents and {@code X-Matrix} request
 * authorization (appendix "Signing JSON"; server-server API "Server discovery" to "Request Authentication").
 */
package io.myelin.protocol.crypto;
