package dev.kelp.csource;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A light scanner for kernel-style GNU C: finds the file-scope entities of one file (function
 * definitions with their real extent, prototypes, data, types, macros, file-scope macro
 * invocations, other directives) without preprocessing. It matches braces over tokens, so
 * braces in comments, strings and character literals do not count, and it follows
 * {@code #if/#else/#endif} so that a brace opened differently in each branch is counted once.
 * Limits are listed in docs/clones.md.
 */
public final class CScanner {

    /** Names that take a parenthesised argument but are attributes, not declarators. */
    static final Set<String> ATTRIBUTE_CALLS = Set.of(
            "__attribute__", "__attribute", "__aligned", "__section", "__printf", "__scanf", "__alias",
            "__acquires", "__releases", "__must_hold", "__cond_acquires", "__alloc_size", "__assume_aligned",
            "__diagnose_as", "__counted_by", "__cleanup", "__compiletime_error", "__compiletime_warning",
            "__no_sanitize_or_inline", "__designated_init", "asm", "__asm__", "__asm", "__typeof__",
            "__typeof", "typeof", "_Alignas", "alignas", "__nonstring", "__malloc", "__realloc_size");

    /** Plain identifiers that qualify a data declaration and so are never its name. */
    static final Set<String> QUALIFIERS = Set.of(
            "__read_mostly", "__ro_after_init", "__initdata", "__initconst", "__exitdata", "__refdata",
            "__meminitdata", "__devinitdata", "__maybe_unused", "__always_unused", "__unused", "__used",
            "__cacheline_aligned", "__cacheline_aligned_in_smp", "____cacheline_aligned",
            "____cacheline_aligned_in_smp", "__page_aligned_data", "__page_aligned_bss", "__percpu", "__rcu",
            "__iomem", "__user", "__force", "__weak", "__visible", "__nosavedata", "__initdata_memblock",
            "__latent_entropy", "__randomize_layout", "__no_randomize_layout", "__packed", "__aligned_largest",
            "__bpf_md_ptr", "__lsm_ro_after_init", "__init", "__exit", "__cold", "__hot", "__noreturn",
            "__pure", "__must_check", "__always_inline", "inline", "__inline", "__inline__", "noinline",
            "notrace", "asmlinkage", "__attribute_const__", "__section_name", "__ref");

    /** C keywords (types included) that cannot name a declaration. */
    static final Set<String> KEYWORDS = Set.of(
            "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum",
            "extern", "float", "for", "goto", "if", "int", "long", "register", "restrict", "return", "short",
            "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void",
            "volatile", "while", "_Bool", "bool", "_Complex", "_Noreturn", "_Thread_local", "__thread",
            "__volatile__", "__const", "__restrict", "__signed__", "__extension__", "__int128", "_Atomic");

    private static final Set<String> STORAGE = Set.of("static", "extern", "const", "volatile", "__extension__");
    private static final Set<String> TAG_KEYWORDS = Set.of("struct", "union", "enum");

    /**
     * Definition macros whose body belongs to a function with another name. The key matches the
     * macro, the value formats the symbol from its first argument.
     */
    static final Map<Pattern, String> DEFINITION_MACROS = Map.of(
            Pattern.compile("SYSCALL_DEFINE[0-6]"), "__do_sys_%s",
            // kpatch-macros.h: the same syscall (same __x64_sys_ stubs), its body renamed in the patched build only
            Pattern.compile("KPATCH_SYSCALL_DEFINE[0-6]"), "__do_sys_%s",
            Pattern.compile("COMPAT_SYSCALL_DEFINE[0-6]"), "__do_compat_sys_%s",
            Pattern.compile("BPF_CALL_[0-5]"), "____%s");

    private static final Pattern DEFINE = Pattern.compile("define\\s+([A-Za-z_$][A-Za-z0-9_$]*)(\\([^)]*\\))?(.*)",
            Pattern.DOTALL);
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
    private static final Pattern UPPER_MACRO = Pattern.compile("[A-Z_][A-Z0-9_]*");

    private final String path;
    private final List<CEntity> entities = new ArrayList<>();
    private final Set<Integer> codeLines = new TreeSet<>();
    private final List<CToken> item = new ArrayList<>();
    private final Deque<int[]> conditionals = new ArrayDeque<>();
    private int depth;
    private int parens;
    private boolean inFunction;
    private FunctionHead head;
    /** A conditional directive split the current file-scope item (alternative function heads). */
    private boolean itemHasConditional;

    private CScanner(String path) {
        this.path = path;
    }

    public static ScannedFile scan(String path, String text) {
        CScanner sc = new CScanner(path);
        for (CToken t : CLexer.tokenize(text)) {
            for (int l = t.line(); l <= t.endLine(); l++) {
                sc.codeLines.add(l);
            }
            sc.accept(t);
        }
        sc.flush();
        List<CEntity> sorted = new ArrayList<>(sc.entities);
        sorted.sort(java.util.Comparator.comparingInt(CEntity::startLine));
        return new ScannedFile(path, List.copyOf(sorted), Set.copyOf(sc.codeLines));
    }

    private void accept(CToken t) {
        if (t.kind() == CToken.Kind.DIRECTIVE) {
            directive(t);
            return;
        }
        item.add(t);
        if (inFunction) {
            if (t.is("{")) {
                depth++;
            } else if (t.is("}") && --depth == 0) {
                endFunction(t);
            }
            return;
        }
        if (depth == 0 && parens == 0 && t.is("{")) {
            FunctionHead fh = functionHead(item.subList(0, item.size() - 1), itemHasConditional);
            if (fh != null) {
                splitOffMacroCalls(fh.startIndex());
                head = fh;
                inFunction = true;
                depth = 1;
                return;
            }
        }
        if (t.is("{")) {
            depth++;
        } else if (t.is("}")) {
            depth = Math.max(0, depth - 1);
        } else if (depth == 0 && (t.is("(") || t.is("["))) {
            parens++;
        } else if (depth == 0 && (t.is(")") || t.is("]"))) {
            parens = Math.max(0, parens - 1);
        } else if (depth == 0 && parens == 0 && t.is(";")) {
            declaration(item);
            item.clear();
            itemHasConditional = false;
        }
    }

    /**
     * File-scope macro calls without ';' before a function head (TASK_PFA_TEST(A, b) lines)
     * become entities of their own, one per call, and leave the function's extent.
     */
    private void splitOffMacroCalls(int headStart) {
        if (headStart == 0) {
            return;
        }
        List<CToken> prefix = new ArrayList<>(item.subList(0, headStart));
        item.subList(0, headStart).clear();
        int from = 0;
        for (Group g : topLevelGroups(prefix)) {
            if (g.close() >= from) {
                declaration(prefix.subList(from, g.close() + 1));
                from = g.close() + 1;
            }
        }
        if (from < prefix.size()) {
            item.addAll(0, prefix.subList(from, prefix.size()));
        }
    }

    /** Tokens left at end of file (a declaration without ';', e.g. a trailing macro call). */
    private void flush() {
        if (!item.isEmpty() && !inFunction) {
            declaration(item);
        }
        item.clear();
    }

    // ---------------------------------------------------------------- directives

    private void directive(CToken t) {
        String text = t.text();
        String word = text.isEmpty() ? "" : text.split("[\\s(]", 2)[0];
        boolean conditional = word.startsWith("if") || word.startsWith("el");
        if (conditional && !inFunction && depth == 0 && !item.isEmpty()) {
            itemHasConditional = true;
        }
        switch (word) {
            case "if", "ifdef", "ifndef" -> conditionals.push(new int[] {depth, -1});
            case "elif", "else" -> {
                int[] c = conditionals.peek();
                if (c != null) {
                    if (c[1] < 0) {
                        c[1] = depth;
                    }
                    depth = c[0];
                }
            }
            case "endif" -> {
                int[] c = conditionals.poll();
                if (c != null && c[1] >= 0) {
                    depth = c[1];
                }
            }
            default -> {
            }
        }
        Matcher m = DEFINE.matcher(text);
        if (m.matches()) {
            Set<String> ids = identifiers(m.group(3));
            entities.add(new CEntity(CEntity.Kind.MACRO, List.of(m.group(1)), null, t.line(), t.endLine(), ids,
                    m.group(2) == null ? "object-like" : "function-like"));
        } else if (!inFunction && depth == 0) {
            entities.add(new CEntity(CEntity.Kind.DIRECTIVE, List.of("#" + abbreviate(text)), null, t.line(),
                    t.endLine(), identifiers(text), word));
        }
    }

    private static Set<String> identifiers(String text) {
        Set<String> ids = new LinkedHashSet<>();
        Matcher m = IDENT.matcher(text);
        while (m.find()) {
            ids.add(m.group());
        }
        return ids;
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() <= 60 ? one : one.substring(0, 60) + "…";
    }

    // ---------------------------------------------------------------- functions

    private record FunctionHead(String name, String symbol, int startIndex, String note) {
    }

    /** A paren group at the head's top level: the identifier before it and its token range. */
    private record Group(int nameIndex, int open, int close) {
    }

    private static List<Group> topLevelGroups(List<CToken> toks) {
        List<Group> groups = new ArrayList<>();
        int d = 0;
        int open = -1;
        for (int i = 0; i < toks.size(); i++) {
            CToken t = toks.get(i);
            if (t.is("(") || t.is("[") || t.is("{")) {
                if (d++ == 0 && t.is("(")) {
                    open = i;
                }
            } else if (t.is(")") || t.is("]") || t.is("}")) {
                if (--d == 0 && t.is(")") && open >= 0) {
                    groups.add(new Group(open - 1, open, i));
                    open = -1;
                }
            }
        }
        return groups;
    }

    private static boolean isDeclaratorGroup(List<CToken> toks, Group g) {
        if (g.nameIndex() < 0) {
            return false;
        }
        CToken n = toks.get(g.nameIndex());
        return n.isIdent() && !ATTRIBUTE_CALLS.contains(n.text()) && !KEYWORDS.contains(n.text());
    }

    /**
     * Decides whether the tokens before a file-scope '{' head a function definition: no
     * initializer '=' at top level, and a parenthesised parameter list after a name that is not
     * an attribute. The last such group wins, so a preceding macro call without ';' is skipped.
     */
    private static FunctionHead functionHead(List<CToken> toks, boolean alternativeHeads) {
        if (toks.isEmpty()) {
            return null;
        }
        int d = 0;
        for (CToken t : toks) {
            if (t.is("(") || t.is("[") || t.is("{")) {
                d++;
            } else if (t.is(")") || t.is("]") || t.is("}")) {
                d--;
            } else if (d == 0 && t.is("=")) {
                return null;
            }
        }
        List<Group> groups = topLevelGroups(toks).stream().filter(g -> isDeclaratorGroup(toks, g)).toList();
        if (groups.isEmpty()) {
            return null;
        }
        Group g = groups.get(groups.size() - 1);
        for (int i = g.close() + 1; i < toks.size(); i++) {
            // After the parameter list only attributes may follow: words, and their (…) arguments.
            CToken t = toks.get(i);
            if (!t.isIdent()) {
                return null;
            }
            if (i + 1 < toks.size() && toks.get(i + 1).is("(")) {
                i = closeOf(toks, i + 1);
            }
        }
        // An earlier call-like group is either a file-scope macro call without ';' (skip it) or,
        // when #if branches split the head, an alternative head of the same function (keep it).
        int start = groups.size() > 1 && !alternativeHeads ? groups.get(groups.size() - 2).close() + 1 : 0;
        String name = toks.get(g.nameIndex()).text();
        for (Map.Entry<Pattern, String> e : DEFINITION_MACROS.entrySet()) {
            if (e.getKey().matcher(name).matches() && g.open() + 1 < g.close() && toks.get(g.open() + 1).isIdent()) {
                String arg = toks.get(g.open() + 1).text();
                return new FunctionHead(name + "(" + arg + ")", String.format(e.getValue(), arg), start,
                        "defined through " + name);
            }
        }
        String note = UPPER_MACRO.matcher(name).matches()
                ? "macro-wrapped definition: the symbol is whatever " + name + " expands to" : null;
        return new FunctionHead(name, name, start, note);
    }

    private void endFunction(CToken close) {
        Set<String> ids = new LinkedHashSet<>();
        for (CToken t : item) {
            if (t.isIdent()) {
                ids.add(t.text());
            }
        }
        int start = item.get(0).line();
        entities.add(new CEntity(CEntity.Kind.FUNCTION, List.of(head.name()), head.symbol(), start,
                close.endLine(), ids, head.note()));
        item.clear();
        inFunction = false;
        head = null;
        parens = 0;
        itemHasConditional = false;
    }

    // ---------------------------------------------------------------- declarations

    private void declaration(List<CToken> toks) {
        List<CToken> t = new ArrayList<>(toks);
        if (!t.isEmpty() && t.get(t.size() - 1).is(";")) {
            t.remove(t.size() - 1);
        }
        if (t.isEmpty()) {
            return;
        }
        int start = t.get(0).line();
        int end = toks.get(toks.size() - 1).endLine();
        Set<String> ids = new LinkedHashSet<>();
        t.forEach(x -> {
            if (x.isIdent()) {
                ids.add(x.text());
            }
        });
        CEntity.Kind kind;
        List<String> names;
        String note = null;
        int first = 0;
        while (first < t.size() && (STORAGE.contains(t.get(first).text()) || QUALIFIERS.contains(t.get(first).text()))) {
            first++;
        }
        boolean typedef = t.stream().anyMatch(x -> x.isIdent() && x.text().equals("typedef"));
        List<Group> groups = topLevelGroups(t).stream().filter(g -> isDeclaratorGroup(t, g)).toList();
        boolean hasInit = topLevelIndexOf(t, "=") >= 0;
        if (typedef) {
            kind = CEntity.Kind.TYPE;
            names = new ArrayList<>(tagNames(t));
            names.addAll(declarators(t));
        } else if (hasTagBody(t)) {
            kind = CEntity.Kind.TYPE;
            names = new ArrayList<>(tagNames(t));
            names.addAll(declarators(afterBody(t)));
        } else if (isMacroUse(t, groups, first)) {
            Group g = groups.get(groups.size() - 1);
            kind = CEntity.Kind.MACRO_USE;
            note = t.get(g.nameIndex()).text();
            names = singleIdentArguments(t, g);
        } else if (!hasInit && !groups.isEmpty()) {
            kind = CEntity.Kind.PROTOTYPE;
            names = List.of(t.get(groups.get(groups.size() - 1).nameIndex()).text());
        } else {
            kind = CEntity.Kind.DATA;
            names = declarators(t);
            if (names.isEmpty() && t.get(0).isIdent() && t.get(0).text().equals("_Static_assert")) {
                names = List.of("_Static_assert");
            }
        }
        if (names.isEmpty()) {
            names = List.of(abbreviate(t.get(0).text()));
        }
        entities.add(new CEntity(kind, List.copyOf(new LinkedHashSet<>(names)), null, start, end, ids, note));
    }

    /**
     * {@code MACRO(args);} at file scope, possibly after storage words and qualifiers or with an
     * initializer ({@code DEFINE_PER_CPU(int, x) = 1;}): the call is the whole declarator and
     * either starts the declaration or is spelled in capitals.
     */
    private static boolean isMacroUse(List<CToken> t, List<Group> groups, int first) {
        if (groups.isEmpty()) {
            return false;
        }
        Group g = groups.get(groups.size() - 1);
        return g.close() == lastBeforeInit(t)
                && (g.nameIndex() == first || UPPER_MACRO.matcher(t.get(g.nameIndex()).text()).matches());
    }

    private static int topLevelIndexOf(List<CToken> t, String punct) {
        int d = 0;
        for (int i = 0; i < t.size(); i++) {
            CToken x = t.get(i);
            if (x.is("(") || x.is("[") || x.is("{")) {
                d++;
            } else if (x.is(")") || x.is("]") || x.is("}")) {
                d--;
            } else if (d == 0 && x.is(punct)) {
                return i;
            }
        }
        return -1;
    }

    /** Index of the last token before a top-level '=' (or of the last token). */
    private static int lastBeforeInit(List<CToken> t) {
        int eq = topLevelIndexOf(t, "=");
        return (eq < 0 ? t.size() : eq) - 1;
    }

    private static boolean hasTagBody(List<CToken> t) {
        return !tagNames(t).isEmpty() || anonymousTagBody(t);
    }

    /** struct/union/enum followed directly by '{' (no tag). */
    private static boolean anonymousTagBody(List<CToken> t) {
        for (int i = 0; i + 1 < t.size(); i++) {
            if (t.get(i).isIdent() && TAG_KEYWORDS.contains(t.get(i).text()) && t.get(i + 1).is("{")) {
                return true;
            }
        }
        return false;
    }

    private static int closeOf(List<CToken> t, int open) {
        int d = 0;
        for (int i = open; i < t.size(); i++) {
            if (t.get(i).is("(") || t.get(i).is("[") || t.get(i).is("{")) {
                d++;
            } else if ((t.get(i).is(")") || t.get(i).is("]") || t.get(i).is("}")) && --d == 0) {
                return i;
            }
        }
        return t.size() - 1;
    }

    /** The tag of the first struct/union/enum with a body, plus an enum's enumerators. */
    private static List<String> tagNames(List<CToken> t) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            if (t.get(i).isIdent() && TAG_KEYWORDS.contains(t.get(i).text())) {
                boolean isEnum = t.get(i).text().equals("enum");
                int j = i + 1;
                while (j < t.size() && t.get(j).isIdent()) {
                    if (ATTRIBUTE_CALLS.contains(t.get(j).text()) && j + 1 < t.size() && t.get(j + 1).is("(")) {
                        j = closeOf(t, j + 1) + 1;
                        continue;
                    }
                    if (!QUALIFIERS.contains(t.get(j).text())) {
                        names.add(t.get(j).text());
                    }
                    j++;
                }
                if (j < t.size() && t.get(j).is("{")) {
                    if (isEnum) {
                        names.addAll(enumerators(t, j));
                    }
                    return names;
                }
                names.clear();
            }
        }
        return names;
    }

    private static List<String> enumerators(List<CToken> t, int open) {
        List<String> names = new ArrayList<>();
        int close = closeOf(t, open);
        int d = 0;
        boolean expectName = true;
        for (int i = open + 1; i < close; i++) {
            CToken x = t.get(i);
            if (x.is("(") || x.is("[") || x.is("{")) {
                d++;
            } else if (x.is(")") || x.is("]") || x.is("}")) {
                d--;
            } else if (d == 0 && x.is(",")) {
                expectName = true;
            } else if (d == 0 && expectName && x.isIdent()) {
                names.add(x.text());
                expectName = false;
            }
        }
        return names;
    }

    private static List<CToken> afterBody(List<CToken> t) {
        int open = topLevelIndexOf(t, "{");
        for (int i = 0; i < t.size(); i++) {
            if (t.get(i).is("{")) {
                open = i;
                break;
            }
        }
        return open < 0 ? List.of() : t.subList(closeOf(t, open) + 1, t.size());
    }

    /** Names declared by a (part of a) declaration: one per top-level comma-separated declarator. */
    private static List<String> declarators(List<CToken> t) {
        List<String> names = new ArrayList<>();
        int d = 0;
        int from = 0;
        for (int i = 0; i <= t.size(); i++) {
            CToken x = i < t.size() ? t.get(i) : null;
            if (x != null && (x.is("(") || x.is("[") || x.is("{"))) {
                d++;
            } else if (x != null && (x.is(")") || x.is("]") || x.is("}"))) {
                d--;
            } else if (x == null || (d == 0 && x.is(","))) {
                String n = declaratorName(t.subList(from, i));
                if (n != null) {
                    names.add(n);
                }
                from = i + 1;
            }
        }
        return names;
    }

    private static String declaratorName(List<CToken> part) {
        int eq = topLevelIndexOf(part, "=");
        List<CToken> p = eq < 0 ? part : part.subList(0, eq);
        String best = null;
        int d = 0;
        for (int i = 0; i < p.size(); i++) {
            CToken x = p.get(i);
            if (x.is("(") || x.is("[") || x.is("{")) {
                if (d == 0 && x.is("(") && best == null) {
                    // Function-pointer declarator: (*name)(…).
                    for (int j = i + 1; j < p.size() && !p.get(j).is(")"); j++) {
                        if (p.get(j).isIdent() && !QUALIFIERS.contains(p.get(j).text())) {
                            best = p.get(j).text();
                        }
                    }
                    if (best != null) {
                        return best;
                    }
                }
                d++;
            } else if (x.is(")") || x.is("]") || x.is("}")) {
                d--;
            } else if (d == 0 && x.isIdent() && !QUALIFIERS.contains(x.text()) && !KEYWORDS.contains(x.text())
                    && !ATTRIBUTE_CALLS.contains(x.text())) {
                best = x.text();
            } else if (d == 0 && x.is(":")) {
                break;
            }
        }
        return best;
    }

    private static List<String> singleIdentArguments(List<CToken> t, Group g) {
        List<String> names = new ArrayList<>();
        int d = 0;
        int from = g.open() + 1;
        for (int i = g.open() + 1; i <= g.close(); i++) {
            CToken x = t.get(i);
            if (i < g.close() && (x.is("(") || x.is("[") || x.is("{"))) {
                d++;
            } else if (i < g.close() && (x.is(")") || x.is("]") || x.is("}"))) {
                d--;
            } else if (i == g.close() || (d == 0 && x.is(","))) {
                if (i - from == 1 && t.get(from).isIdent() && !KEYWORDS.contains(t.get(from).text())) {
                    names.add(t.get(from).text());
                } else if (i == g.close() && names.isEmpty() && i > from) {
                    // DEFINE_PER_CPU(struct x *, name[N]): the last argument declares the name.
                    String n = declaratorName(t.subList(from, i));
                    if (n != null) {
                        names.add(n);
                    }
                }
                from = i + 1;
            }
        }
        return names;
    }
}
