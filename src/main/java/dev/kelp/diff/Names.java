package dev.kelp.diff;

import java.util.Set;

/**
 * Symbol-name rules shared by correlation and checksums: which numeric suffixes are compiler
 * noise, which statics are never correlated, which functions are parts of others.
 */
final class Names {
    private Names() {
    }

    /**
     * Statics the kernel's macros create per call site ({@code WARN_ONCE}, lockdep, ratelimit,
     * switch tables, dynamic debug). Their numbers mean nothing and their state must not be
     * shared with the original, so the patch always gets a fresh copy.
     */
    private static final Set<String> SPECIAL_STATICS = Set.of(
            "__key", "__warned", "__already_done", "__func__", "__FUNCTION__", "_rs", "CSWTCH",
            "_entry", "_entry_ptr", "descriptor", "__print_once", "__UNIQUE_ID_ddebug");

    /** Data sections whose objects are per-call-site state (see {@link #SPECIAL_STATICS}). */
    private static final String[] SPECIAL_DATA_SECTION_PREFIXES = {
        ".data..once", ".data.once", "__dyndbg", "__verbose", ".data..Lubsan", ".data..L__unnamed",
        ".rodata..L__unnamed", ".data.unlikely",
    };

    /**
     * The name with every {@code .<digits>} component replaced by {@code .#} and the counter of
     * {@code __UNIQUE_ID_} names dropped, so that {@code foo.isra.3} and {@code foo.isra.7}
     * compare equal. Names of string-literal sections ({@code .str1.}) are kept as they are.
     */
    static String mangle(String name) {
        if (name.indexOf('.') < 0 && !name.contains("__UNIQUE_ID_")) {
            return name;
        }
        if (name.contains(".str1.")) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name.length());
        int n = name.length();
        int i = 0;
        while (i < n) {
            char c = name.charAt(i);
            if (c == '.' && i + 1 < n && isDigit(name.charAt(i + 1))) {
                int j = i + 1;
                while (j < n && isDigit(name.charAt(j))) {
                    j++;
                }
                if (j == n || name.charAt(j) == '.') {
                    sb.append(".#");
                    i = j;
                    continue;
                }
            }
            sb.append(c);
            i++;
        }
        String s = sb.toString();
        int u = s.indexOf("__UNIQUE_ID_");
        if (u >= 0) {
            s = dropUniqueCounter(s, u);
        }
        return s;
    }

    /** {@code __UNIQUE_ID_ddebug123} → {@code __UNIQUE_ID_ddebug#}: the counter is a build artefact. */
    private static String dropUniqueCounter(String s, int from) {
        int end = s.indexOf('.', from);
        if (end < 0) {
            end = s.length();
        }
        int d = end;
        while (d > from && isDigit(s.charAt(d - 1))) {
            d--;
        }
        return d == end ? s : s.substring(0, d) + "#" + s.substring(end);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The name without trailing {@code .<digits>} components: {@code __key.12} → {@code __key}. */
    static String stripNumbers(String name) {
        int end = name.length();
        while (true) {
            int dot = name.lastIndexOf('.', end - 1);
            if (dot < 0 || dot == end - 1) {
                return name.substring(0, end);
            }
            boolean digits = true;
            for (int i = dot + 1; i < end; i++) {
                if (!isDigit(name.charAt(i))) {
                    digits = false;
                    break;
                }
            }
            if (!digits) {
                return name.substring(0, end);
            }
            end = dot;
        }
    }

    /** Whether a data symbol is per-call-site state that is never correlated (GCC and Clang spellings). */
    static boolean isSpecialStatic(String name, String sectionName) {
        if (sectionName != null) {
            for (String p : SPECIAL_DATA_SECTION_PREFIXES) {
                if (sectionName.startsWith(p)) {
                    return true;
                }
            }
        }
        String base = stripNumbers(name);
        if (SPECIAL_STATICS.contains(base) || base.startsWith("__UNIQUE_ID_ddebug") || base.startsWith("CSWTCH")
                || base.startsWith("__key") || base.startsWith(".L")) {
            return true;
        }
        int dot = base.lastIndexOf('.');
        // Clang spells function-scope statics <function>.<variable>
        return dot > 0 && SPECIAL_STATICS.contains(base.substring(dot + 1));
    }

    /** Prefix symbols (padding before a function for call thunks / CFI), attached to their function. */
    static String prefixedFunction(String name) {
        if (name.startsWith("__pfx_")) {
            return name.substring(6);
        }
        if (name.startsWith("__cfi_")) {
            return name.substring(6);
        }
        return null;
    }

    /** The parent of a {@code .cold} part ({@code foo.cold}, {@code foo.cold.3}), or null. */
    static String coldParent(String name) {
        int i = name.lastIndexOf(".cold");
        if (i <= 0) {
            return null;
        }
        String rest = name.substring(i + 5);
        if (rest.isEmpty() || (rest.charAt(0) == '.' && stripNumbers("x" + rest).equals("x"))) {
            return name.substring(0, i);
        }
        return null;
    }

    /** Sections whose code only runs during boot or module unload; changes there cannot be patched. */
    static boolean isInitOrExit(String sectionName) {
        return sectionName.startsWith(".init.") || sectionName.startsWith(".exit.")
                || sectionName.equals(".head.text") || sectionName.startsWith(".meminit.")
                || sectionName.startsWith(".cpuinit.");
    }
}
