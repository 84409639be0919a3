/**
 * Room events (PDUs) per room version: parsing, event ids, content and reference hashes, redaction,
 * signing, the checks on receipt of a PDU, and the client event format.
 */
package io.myelin.protocol.event;
