package io.myelin.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class FieldsTest {

    private static JsonObject json(String text) {
        return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void refused(ErrorCode code, Executable read) {
        MatrixException e = assertThrows(MatrixException.class, read);
        assertEquals(code, e.code());
        assertEquals(400, e.status().code());
    }

    @Test
    void absentAndNullFieldsAreNotGiven() {
        JsonObject body = json("{\"name\":null}");
        assertNull(Fields.string(body, "name"));
        assertNull(Fields.string(body, "topic"));
        assertNull(Fields.object(body, "name"));
        assertNull(Fields.strings(body, "name"));
        assertEquals(List.of(), Fields.array(body, "name"));
        assertTrue(Fields.bool(body, "name", true));
    }

    @Test
    void fieldsOfTheRightTypeAreRead() {
        JsonObject body = json("{\"s\":\"x\",\"o\":{},\"b\":false,\"i\":7,\"a\":[1],\"l\":[\"p\",\"q\"]}");
        assertEquals("x", Fields.requiredString(body, "s"));
        assertEquals(0, Fields.requiredObject(body, "o").size());
        assertFalse(Fields.requiredBoolean(body, "b"));
        assertEquals(7, Fields.requiredInteger(body, "i"));
        assertEquals(1, Fields.array(body, "a").size());
        assertEquals(List.of("p", "q"), Fields.strings(body, "l"));
    }

    @Test
    void fieldsOfTheWrongTypeAreBadJson() {
        JsonObject body = json("{\"n\":5,\"s\":\"x\",\"big\":9007199254740992,\"mixed\":[\"p\",1]}");
        refused(ErrorCode.M_BAD_JSON, () -> Fields.string(body, "n"));
        refused(ErrorCode.M_BAD_JSON, () -> Fields.requiredString(body, "n"));
        refused(ErrorCode.M_BAD_JSON, () -> Fields.object(body, "s"));
        refused(ErrorCode.M_BAD_JSON, () -> Fields.bool(body, "s", false));
        refused(ErrorCode.M_BAD_JSON, () -> Fields.requiredInteger(body, "s"));
        refused(ErrorCode.M_BAD_JSON, () -> Fields.requiredInteger(body, "big"));
        refused(ErrorCode.M_BAD_JSON, () -> Fields.array(body, "s"));
        refused(ErrorCode.M_BAD_JSON, () -> Fields.strings(body, "mixed"));
        refused(ErrorCode.M_BAD_JSON, () -> Fields.strings(body.get("absent"), "'absent'"));
    }

    @Test
    void missingRequiredFieldsAreMissingParamUnlessTheCallerSaysOtherwise() {
        JsonObject body = json("{\"nothing\":null}");
        refused(ErrorCode.M_MISSING_PARAM, () -> Fields.requiredString(body, "nothing"));
        refused(ErrorCode.M_MISSING_PARAM, () -> Fields.requiredObject(body, "o"));
        refused(ErrorCode.M_MISSING_PARAM, () -> Fields.requiredBoolean(body, "b"));
        refused(ErrorCode.M_MISSING_PARAM, () -> Fields.requiredInteger(body, "i"));
        refused(ErrorCode.M_BAD_JSON, () -> Fields.requiredString(body, "s", ErrorCode.M_BAD_JSON));
    }
}
