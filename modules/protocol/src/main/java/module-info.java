/**
 * Matrix formats and algorithms with no I/O: identifiers, canonical JSON, signing, hashing, event
 * formats, room versions, authorization rules and state resolution.
 */
module io.myelin.protocol {
    requires transitive jakarta.json;
    // Ed25519 (lightweight API only, no JCA provider): the same artifact jnats brings, measured faster
    // than the JDK's provider; see docs/benchmarks-protocol.md.
    requires org.bouncycastle.lts.prov;

    uses jakarta.json.spi.JsonProvider;

    exports io.myelin.protocol;
    exports io.myelin.protocol.crypto;
    exports io.myelin.protocol.event;
    exports io.myelin.protocol.auth;
    exports io.myelin.protocol.id;
    exports io.myelin.protocol.json;
    exports io.myelin.protocol.state;
}
