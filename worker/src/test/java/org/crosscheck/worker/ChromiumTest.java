package org.crosscheck.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The DevTools reply parsing of the browser test's driver, without a browser. */
class ChromiumTest {
    @Test
    void longStringValuesAreUnescapedWithoutOverflowingTheStack() {
        String text = "r0 mismatch: \"a\"\\b\n".repeat(20_000);
        String reply = "{\"id\":7,\"result\":{\"result\":{\"type\":\"string\",\"value\":" + Chromium.json(text) + "}}}";
        assertEquals(text, Chromium.value(reply));
    }

    @Test
    void literalValuesAreReturnedAsWritten() {
        assertEquals("true", Chromium.value("{\"id\":1,\"result\":{\"result\":{\"type\":\"boolean\",\"value\":true}}}"));
        assertEquals("42", Chromium.value("{\"id\":2,\"result\":{\"result\":{\"type\":\"number\",\"value\":42,\"description\":\"42\"}}}"));
        assertEquals("", Chromium.value("{\"id\":3,\"result\":{\"result\":{\"type\":\"undefined\"}}}"));
    }
}
