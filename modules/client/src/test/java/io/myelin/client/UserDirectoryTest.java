package io.myelin.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class UserDirectoryTest {

    @Test
    void wordsComeFromTheIdAndTheDisplayNameFolded() {
        assertEquals(Set.of("al_ice.b", "al", "ice", "b", "example", "org", "zoe", "quintessa"),
                UserDirectory.words("@al_ice.b:example.org", "Zoë  QUINTESSA!"));
        assertEquals(List.of(), UserDirectory.split(" -- "));
    }

    @Test
    void theUpperBoundIsTheLeastStringPastEveryExtensionOfThePrefix() {
        assertEquals("ab", UserDirectory.upperBound("aa"));
        String bound = UserDirectory.upperBound("zo");
        assertTrue("zo".compareTo(bound) < 0 && "zo\uffff".compareTo(bound) < 0 && "zp".compareTo(bound) >= 0);
        assertEquals("\ue000", UserDirectory.upperBound("\ud7ff"));
        assertEquals("a\ud83d\ude01", UserDirectory.upperBound("a\ud83d\ude00"));
    }
}
