package io.myelin.client;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.MatrixException;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

class BodiesTest {

    private static JsonObject body(int length) {
        return Json.createObjectBuilder().add("body", "x".repeat(length)).build();
    }

    @Test
    void contentThatFitsWithItsKeysPasses() {
        // {"body":"..."} is 11 bytes around the string; "!r:x" and "@a:x" add 8.
        assertDoesNotThrow(() -> Bodies.checkEventSize(body(Bodies.MAX_EVENT_BYTES - 11 - 8), "!r:x", "@a:x"));
    }

    @Test
    void contentThatCannotFitIsTooLarge() {
        MatrixException e = assertThrows(MatrixException.class,
                () -> Bodies.checkEventSize(body(Bodies.MAX_EVENT_BYTES - 11 - 8), "!r:x", "@a:xy"));
        assertEquals(ErrorCode.M_TOO_LARGE, e.code());
    }
}
