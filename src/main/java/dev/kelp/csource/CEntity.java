package dev.kelp.csource;

import java.util.List;
import java.util.Set;

/**
 * Something defined at file scope of a C file, with the lines it spans (1-based, inclusive).
 * {@code names} are the identifiers it defines (a struct tag and a declarator, every enumerator,
 * every declarator of {@code int a, b;}); {@code symbol} is the function's symbol for
 * {@link Kind#FUNCTION} (which differs from the name for macro-wrapped definitions such as
 * {@code SYSCALL_DEFINE3(open, …)} → {@code __do_sys_open}) and null otherwise.
 * {@code identifiers} are all identifiers the entity's code mentions.
 */
public record CEntity(Kind kind, List<String> names, String symbol, int startLine, int endLine,
        Set<String> identifiers, String note) {

    public enum Kind {
        /** A function definition with its body. */
        FUNCTION("function"),
        /** A function declaration without body. */
        PROTOTYPE("prototype"),
        /** A variable definition or declaration. */
        DATA("data"),
        /** struct/union/enum definition or typedef. */
        TYPE("type"),
        /** #define (with its continuation lines). */
        MACRO("macro"),
        /** A file-scope macro invocation such as EXPORT_SYMBOL(f) or DEFINE_MUTEX(m). */
        MACRO_USE("macro invocation"),
        /** Any other preprocessor directive (#include, #if, …). */
        DIRECTIVE("directive");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public String name() {
        return names.isEmpty() ? "?" : names.get(0);
    }

    public boolean contains(int line) {
        return line >= startLine && line <= endLine;
    }

    /** "function foo (12-40)". */
    public String describe() {
        String n = kind == Kind.FUNCTION && !symbol.equals(name()) ? name() + " → " + symbol : String.join(", ", names);
        return kind.label() + " " + n + " (" + startLine + "-" + endLine + ")";
    }
}
