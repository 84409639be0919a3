package io.myelin.bus;

import java.util.List;

import io.myelin.bus.nats.SubjectTokens;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubjectTokensTest {

    @Test
    void anySubjectBecomesOneSafeTokenAndBack() {
        for (String subject : List.of("!abc:example.org", "@alice:example.org", "a.b*c>d e\tf", "", "~", "é€😀",
                "plain_name-1")) {
            String token = SubjectTokens.encode(subject);
            assertTrue(token.matches("[A-Za-z0-9_~-]+"), "token " + token);
            assertEquals(subject, SubjectTokens.decode(token));
        }
    }

    @Test
    void readableCharactersStayReadable() {
        assertEquals("~21abc~3Aexample~2Eorg", SubjectTokens.encode("!abc:example.org"));
    }

    @Test
    void malformedTokenIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> SubjectTokens.decode("abc~4"));
        assertThrows(IllegalArgumentException.class, () -> SubjectTokens.decode("a.b"));
    }
}
