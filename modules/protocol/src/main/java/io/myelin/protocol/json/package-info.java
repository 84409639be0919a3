/**
 * JSON as Matrix needs it: a strict parser for network input, the canonical JSON encoding that signatures
 * and hashes are computed over, and unpadded Base64 (appendices "Canonical JSON" and "Unpadded Base64").
 */
package io.myelin.protocol.json;
