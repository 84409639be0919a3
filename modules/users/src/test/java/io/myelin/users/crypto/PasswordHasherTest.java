package io.myelin.users.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.myelin.users.config.UsersConfig.PasswordHashing;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    private final PasswordHasher cheap = new PasswordHasher(new PasswordHashing(64, 1, 1));

    @Test
    void hashVerifiesOnlyTheSamePassword() {
        String stored = cheap.hash("hunter2");
        assertTrue(stored.startsWith("$argon2id$v=19$m=64,t=1,p=1$"));
        assertTrue(cheap.verify("hunter2", stored));
        assertFalse(cheap.verify("hunter3", stored));
        assertFalse(cheap.verify("", stored));
    }

    @Test
    void sameInputGetsADifferentSaltEachTime() {
        assertNotEquals(cheap.hash("same"), cheap.hash("same"));
    }

    @Test
    void hashKeepsTheCostItWasMadeWith() {
        PasswordHasher stronger = new PasswordHasher(new PasswordHashing(128, 2, 2));
        String old = cheap.hash("pw");
        assertTrue(stronger.verify("pw", old));
        assertTrue(stronger.hash("pw").contains("m=128,t=2,p=2"));
    }

    @Test
    void missingOrMalformedHashesNeverMatch() {
        assertFalse(cheap.verify("pw", null));
        assertFalse(cheap.verify("pw", "$2b$12$notargon"));
        assertFalse(cheap.verify("pw", ""));
    }

    @Test
    void hashUsesThePhcLayoutOfArgon2idVersion13() {
        String stored = cheap.hash("password");
        String[] parts = stored.split("\\$");
        assertEquals("argon2id", parts[1]);
        assertEquals("v=19", parts[2]);
        assertEquals(43, parts[5].length());
    }

    @Test
    void tokensCarry256RandomBitsAndAreStoredAsDigests() {
        String token = Secrets.token("myat_");
        assertTrue(token.startsWith("myat_"));
        assertEquals(5 + 43, token.length());
        assertNotEquals(token, Secrets.token("myat_"));
        String digest = Secrets.digest(token);
        assertEquals(64, digest.length());
        assertFalse(digest.contains(token));
        assertTrue(Secrets.equal(digest, Secrets.digest(token)));
        assertFalse(Secrets.equal(digest, Secrets.digest(token + "x")));
    }
}
