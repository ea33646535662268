package org.crosscheck.isa;

/**
 * Text from users' files and command lines made safe to print in a one-line message: control
 * characters become escapes ({@code \x00}, {@code \t}, {@code \n}, {@code \r}), invisible format and
 * line-separator characters (bidi overrides, U+2028) {@code \u202e}. Applying it twice changes nothing.
 */
public final class Printable {
    private Printable() {}

    public static String escape(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String e = switch (c) {
                case '\t' -> "\\t";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                default -> switch (Character.getType(c)) {
                    case Character.CONTROL -> String.format("\\x%02x", (int) c);
                    case Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> String.format("\\u%04x", (int) c);
                    default -> null;
                };
            };
            if (e != null && sb == null) sb = new StringBuilder(s.length() + 8).append(s, 0, i);
            if (sb != null) {
                if (e != null) sb.append(e);
                else sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }
}
