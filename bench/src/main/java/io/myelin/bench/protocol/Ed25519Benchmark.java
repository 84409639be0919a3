package io.myelin.bench.protocol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.json.JsonObject;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import io.myelin.protocol.crypto.JsonSignatures;
import io.myelin.protocol.crypto.KeyLookup;
import io.myelin.protocol.crypto.ServerKey;
import io.myelin.protocol.crypto.VerifyKey;
import io.myelin.protocol.event.Redaction;
import io.myelin.protocol.json.UnpaddedBase64;

/**
 * Ed25519 signing and verification of the redacted canonical form of a 1 KB event: the JDK's provider
 * ({@code java.security}, "Ed25519") against BouncyCastle's lightweight API (the signer class and the key
 * parameters' direct methods), plus what Myelin's protocol module does ({@code myelin*}) and its whole
 * event signature check.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Ed25519Benchmark {

    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private byte[] message;
    private byte[] signature;
    private VerifyKey myelinKey;
    private PrivateKey jdkPrivate;
    private PublicKey jdkPublic;
    private Ed25519PrivateKeyParameters bcPrivate;
    private Ed25519PublicKeyParameters bcPublic;
    private JsonObject event;
    private KeyLookup lookup;

    /** Prepares keys, the message and a signature over it. */
    @Setup
    public void setUp() throws GeneralSecurityException {
        event = SampleEvent.signed();
        message = JsonSignatures.signedBytes(Redaction.redact(event, SampleEvent.VERSION), true);
        signature = SampleEvent.KEY.sign(message);
        myelinKey = SampleEvent.KEY.verifyKey();
        byte[] seed = UnpaddedBase64.decode("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1");
        KeyFactory factory = KeyFactory.getInstance("Ed25519");
        jdkPrivate = factory.generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
        byte[] x509 = Arrays.copyOf(X509_PREFIX, 44);
        System.arraycopy(myelinKey.bytes(), 0, x509, 12, 32);
        jdkPublic = factory.generatePublic(new X509EncodedKeySpec(x509));
        bcPrivate = new Ed25519PrivateKeyParameters(seed, 0);
        bcPublic = bcPrivate.generatePublicKey();
        lookup = (server, keyId) -> Optional.of(new ServerKey(myelinKey, Long.MAX_VALUE));
        if (!jdkVerify() || !bcVerifySigner() || !bcVerifyDirect() || !myelinVerify()
                || !Arrays.equals(signature, jdkSign()) || !Arrays.equals(signature, bcSignDirect())) {
            throw new IllegalStateException("implementations disagree");
        }
    }

    /** @return a signature made with the JDK provider */
    @Benchmark
    public byte[] jdkSign() throws GeneralSecurityException {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(jdkPrivate);
        s.update(message);
        return s.sign();
    }

    /** @return whether the JDK provider verified the signature */
    @Benchmark
    public boolean jdkVerify() throws GeneralSecurityException {
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(jdkPublic);
        s.update(message);
        return s.verify(signature);
    }

    /** @return a signature made with BouncyCastle's signer class */
    @Benchmark
    public byte[] bcSignSigner() {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, bcPrivate);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    /** @return whether BouncyCastle's signer class verified the signature */
    @Benchmark
    public boolean bcVerifySigner() {
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, bcPublic);
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    /** @return a signature made with BouncyCastle's key parameters directly */
    @Benchmark
    public byte[] bcSignDirect() {
        byte[] out = new byte[64];
        bcPrivate.sign(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, out, 0);
        return out;
    }

    /** @return whether BouncyCastle's key parameters verified the signature directly */
    @Benchmark
    public boolean bcVerifyDirect() {
        return bcPublic.verify(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
    }

    /** @return a signature made the way Myelin's protocol module signs */
    @Benchmark
    public byte[] myelinSign() {
        return SampleEvent.KEY.sign(message);
    }

    /** @return whether Myelin's protocol module verified the signature */
    @Benchmark
    public boolean myelinVerify() {
        return myelinKey.verify(message, signature);
    }

    /** Redaction, canonical JSON and verification of a whole received event's signature. */
    @Benchmark
    public void eventSignatureCheck() {
        JsonSignatures.verify(Redaction.redact(event, SampleEvent.VERSION), "example.org", lookup,
                JsonSignatures.ANY_TIME, true);
    }

    /**
     * Writes the signed message to a file and prints the public key and signature, for the libsodium
     * comparison script.
     *
     * @param args the file to write
     * @throws Exception if the file cannot be written or a key cannot be made
     */
    public static void main(String[] args) throws IOException, GeneralSecurityException {
        Ed25519Benchmark b = new Ed25519Benchmark();
        b.setUp();
        Files.write(Path.of(args[0]), b.message);
        System.out.println(b.myelinKey.base64() + " " + UnpaddedBase64.encode(b.signature));
    }
}
