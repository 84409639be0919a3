package io.myelin.sync.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.Map;

import io.myelin.sync.push.PushEvaluator.Context;
import io.myelin.sync.push.PushEvaluator.Outcome;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

class PushEvaluatorTest {

    private static final String ME = "@me:example.org";
    private static final Context CONTEXT = new Context(ME, "Mia", 5, 50, Map.of("room", 50L));

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text.replace('\'', '"'))).readObject();
    }

    private static JsonObject message(String body) {
        return json("{'type':'m.room.message','sender':'@you:example.org','room_id':'!r:example.org',"
                + "'content':{'msgtype':'m.text','body':" + Json.createValue(body) + "}}");
    }

    private static boolean holds(String condition, JsonObject event) {
        return PushEvaluator.condition(json(condition), event, CONTEXT);
    }

    private static Outcome evaluate(String ruleset, JsonObject event) {
        return PushEvaluator.evaluate(json(ruleset), event, CONTEXT);
    }

    @Test
    void eventMatchIsACaseInsensitiveGlobOverTheWholeValue() {
        JsonObject topic = json("{'type':'m.room.topic','content':{'topic':'Lunch plans'}}");
        assertTrue(holds("{'kind':'event_match','key':'content.topic','pattern':'lunc?*'}", topic));
        assertTrue(holds("{'kind':'event_match','key':'type','pattern':'M.ROOM.*'}", topic));
        assertFalse(holds("{'kind':'event_match','key':'content.topic','pattern':'lunch'}", topic));
        assertFalse(holds("{'kind':'event_match','key':'content.missing','pattern':'*'}", topic));
        assertFalse(holds("{'kind':'event_match','key':'content','pattern':'*'}", topic), "not a string");
        assertTrue(holds("{'kind':'event_match','key':'type','pattern':'m.room.topic'}", topic));
        assertFalse(holds("{'kind':'event_match','key':'type','pattern':'m_room_topic'}", topic),
                "regex characters in the pattern are literal");
    }

    @Test
    void eventMatchOnTheBodyMatchesWholeWords() {
        String rule = "{'kind':'event_match','key':'content.body','pattern':'ex*ple'}";
        assertTrue(holds(rule, message("An example event.")));
        assertTrue(holds(rule, message("exple")));
        assertTrue(holds(rule, message("An exciting triple-whammy")));
        assertFalse(holds(rule, message("examples")));
        assertFalse(holds("{'kind':'event_match','key':'content.body','pattern':'cake'}", message("cakes")));
        assertTrue(holds("{'kind':'event_match','key':'content.body','pattern':'cake'}", message("Cake!")));
    }

    @Test
    void propertyPathsHonourEscapedDots() {
        JsonObject event = json("{'content':{'m.relates_to':{'rel_type':'m.replace'},'a\\\\b':'x',"
                + "'m.mentions':{'user_ids':['@me:example.org'],'room':true},'m.federate':true,'n':3}}");
        assertTrue(holds("{'kind':'event_match','key':'content.m\\\\.relates_to.rel_type','pattern':'m.replace'}",
                event));
        assertFalse(holds("{'kind':'event_match','key':'content.m.relates_to.rel_type','pattern':'*'}", event));
        assertTrue(holds("{'kind':'event_match','key':'content.a\\\\\\\\b','pattern':'x'}", event));
        assertTrue(holds("{'kind':'event_property_contains','key':'content.m\\\\.mentions.user_ids',"
                + "'value':'@me:example.org'}", event));
        assertFalse(holds("{'kind':'event_property_contains','key':'content.m\\\\.mentions.user_ids',"
                + "'value':':example.org'}", event));
        assertTrue(holds("{'kind':'event_property_is','key':'content.m\\\\.mentions.room','value':true}", event));
        assertFalse(holds("{'kind':'event_property_is','key':'content.m\\\\.federate','value':'true'}", event));
        assertTrue(holds("{'kind':'event_property_is','key':'content.n','value':3}", event));
        assertFalse(holds("{'kind':'event_property_is','key':'content.n','value':'3'}", event));
        assertFalse(holds("{'kind':'event_property_is','key':'content.m\\\\.mentions','value':null}", event),
                "objects are not compared");
        assertTrue(holds("{'kind':'event_property_is','key':'content.gone','value':null}",
                json("{'content':{'gone':null}}")));
        assertFalse(holds("{'kind':'event_property_contains','key':'content.n','value':3}", event));
    }

    @Test
    void displayNameMatchesAsAWordCaseInsensitively() {
        String rule = "{'kind':'contains_display_name'}";
        assertTrue(holds(rule, message("hey mia, lunch?")));
        assertFalse(holds(rule, message("hey Miami")));
        assertFalse(PushEvaluator.condition(json(rule), message("hey mia"),
                new Context(ME, null, 2, 0, Map.of())));
        assertFalse(PushEvaluator.condition(json(rule), message("hey"), new Context(ME, "", 2, 0, Map.of())));
    }

    @Test
    void memberCountComparesWithTheGivenOperator() {
        JsonObject event = message("x");
        assertTrue(holds("{'kind':'room_member_count','is':'5'}", event));
        assertTrue(holds("{'kind':'room_member_count','is':'==5'}", event));
        assertTrue(holds("{'kind':'room_member_count','is':'>4'}", event));
        assertTrue(holds("{'kind':'room_member_count','is':'>=5'}", event));
        assertTrue(holds("{'kind':'room_member_count','is':'<6'}", event));
        assertTrue(holds("{'kind':'room_member_count','is':'<=5'}", event));
        assertFalse(holds("{'kind':'room_member_count','is':'2'}", event));
        assertFalse(holds("{'kind':'room_member_count','is':'many'}", event));
    }

    @Test
    void senderNotificationPermissionReadsTheRoomsLevels() {
        JsonObject event = message("@room");
        assertTrue(holds("{'kind':'sender_notification_permission','key':'room'}", event));
        assertFalse(PushEvaluator.condition(json("{'kind':'sender_notification_permission','key':'room'}"), event,
                new Context(ME, null, 2, 49, Map.of("room", 50L))));
        assertTrue(holds("{'kind':'sender_notification_permission','key':'other'}", event),
                "a key the room does not list needs 50, which the sender has");
        assertFalse(PushEvaluator.condition(json("{'kind':'sender_notification_permission','key':'other'}"), event,
                new Context(ME, null, 2, 10, Map.of())));
    }

    @Test
    void unknownConditionsNeverMatch() {
        assertFalse(holds("{'kind':'org.example.future'}", message("x")));
        assertEquals(Outcome.NONE, evaluate("{'override':[{'rule_id':'x','enabled':true,"
                + "'conditions':[{'kind':'org.example.future'}],'actions':['notify']}]}", message("x")));
    }

    @Test
    void theFirstEnabledMatchingRuleInKindOrderDecides() {
        String ruleset = """
                {'override':[{'rule_id':'off','enabled':false,'conditions':[],'actions':['notify',
                               {'set_tweak':'highlight'}]}],
                 'content':[{'rule_id':'cake','enabled':true,'pattern':'cake','actions':['notify',
                               {'set_tweak':'highlight','value':true}]}],
                 'room':[{'rule_id':'!r:example.org','enabled':true,'actions':[]}],
                 'sender':[],
                 'underride':[{'rule_id':'all','enabled':true,'conditions':[],'actions':['notify']}]}
                """;
        assertEquals(new Outcome(true, true), evaluate(ruleset, message("I like cake")));
        assertEquals(Outcome.NONE, evaluate(ruleset, message("hello")), "the room rule mutes the room");
        JsonObject elsewhere = json("{'type':'m.room.message','sender':'@you:example.org','room_id':'!o:example.org',"
                + "'content':{'body':'hello'}}");
        assertEquals(new Outcome(true, false), evaluate(ruleset, elsewhere));
    }

    @Test
    void senderRulesMatchTheSenderAndOwnEventsNeverNotify() {
        String ruleset = "{'sender':[{'rule_id':'@you:example.org','enabled':true,'actions':['notify',"
                + "{'set_tweak':'highlight','value':false}]}]}";
        assertEquals(new Outcome(true, false), evaluate(ruleset, message("x")));
        JsonObject own = json("{'type':'m.room.message','sender':'@me:example.org','content':{'body':'x'}}");
        assertEquals(Outcome.NONE, evaluate("{'underride':[{'rule_id':'a','conditions':[],'actions':['notify']}]}",
                own));
    }

    @Test
    void legacyActionsAreIgnored() {
        assertEquals(Outcome.NONE, evaluate("{'override':[{'rule_id':'a','conditions':[],"
                + "'actions':['dont_notify']}]}", message("x")));
        assertEquals(new Outcome(true, false), evaluate("{'override':[{'rule_id':'a','conditions':[],"
                + "'actions':['coalesce','notify']}]}", message("x")));
    }
}
