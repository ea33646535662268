package org.crosscheck.coordinator.web;

/** JSON text for the few places that write it by hand (web API, triage --json, export). */
public final class Json {
    private Json() {}

    /** A JSON string literal; '<' is escaped too so the text is safe inside HTML. */
    public static String string(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '<' -> sb.append("\\u003c");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
