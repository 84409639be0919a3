package io.myelin.users.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.myelin.users.config.UsersConfig.PasswordHashing;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes (RFC 9106) with BouncyCastle, stored in the PHC string format
 * {@code $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>} so that each hash carries the cost it
 * was made with and the configured cost can change without invalidating existing passwords.
 */
public final class PasswordHasher {

    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,8}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    private final PasswordHashing cost;
    // A hash of a random password, checked when the account does not exist so that a login for an
    // unknown user takes as long as one with a wrong password.
    private volatile String decoy;

    /**
     * @param cost the parameters of new hashes
     */
    public PasswordHasher(PasswordHashing cost) {
        this.cost = cost;
    }

    /**
     * Hashes a password with a fresh salt.
     *
     * @param password the password
     * @return the PHC string
     */
    public String hash(String password) {
        byte[] salt = Secrets.bytes(SALT_BYTES);
        byte[] out = derive(password, salt, cost.memoryKib(), cost.iterations(), cost.parallelism());
        return "$argon2id$v=19$m=" + cost.memoryKib() + ",t=" + cost.iterations() + ",p=" + cost.parallelism()
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /**
     * Checks a password against a stored hash, in time that does not reveal how much of it matched.
     *
     * @param password the password given
     * @param stored   the stored PHC string, or null when there is no account (a decoy is checked instead)
     * @return whether the password matches
     */
    public boolean verify(String password, String stored) {
        boolean real = stored != null;
        Matcher m = PHC.matcher(real ? stored : decoy());
        if (!m.matches()) {
            return false;
        }
        byte[] salt = B64D.decode(m.group(4));
        byte[] expected = B64D.decode(m.group(5));
        byte[] actual = derive(password, salt, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)));
        return MessageDigest.isEqual(expected, actual) && real;
    }

    private static byte[] derive(String password, byte[] salt, int memoryKib, int iterations, int lanes) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(lanes)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[HASH_BYTES];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }

    /** Made on first use rather than at start-up: one hash costs as much as a login. */
    private String decoy() {
        String made = decoy;
        if (made == null) {
            synchronized (this) {
                made = decoy;
                if (made == null) {
                    made = hash(Secrets.opaque(16));
                    decoy = made;
                }
            }
        }
        return made;
    }
}
