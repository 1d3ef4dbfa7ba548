package dev.kelp.klp;

import dev.kelp.symbols.KernelSymbols;
import dev.kelp.symbols.UnitContext;
import dev.kelp.util.KelpException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * The decision table for a reference to an undefined symbol, tried in order; the first rule
 * that applies decides. It follows klp-convert: the author's annotation wins; a vmlinux export
 * stays a normal relocation; a module export becomes a klp relocation in that module (the
 * module may load after the patch); anything else must be defined in exactly one object, and
 * by exactly one symbol of that name unless an annotation picks one.
 */
final class ConversionRules {
    private static final String VMLINUX = KernelSymbols.VMLINUX;

    /** One row: a name for documentation and the test that yields a decision or nothing. */
    record Rule(String name, BiFunction<ConversionRules, String, Optional<Decision>> test) {}

    static final List<Rule> RULES = List.of(
            new Rule("KLP_RELOC_SYMBOL_POS label: object and position as written", ConversionRules::label),
            new Rule("KLP_MODULE_RELOC/KLP_SYMPOS annotation: object and position as written",
                    ConversionRules::annotated),
            new Rule("exported by vmlinux: stays a normal relocation", ConversionRules::vmlinuxExport),
            new Rule("exported by a module: klp relocation in that module", ConversionRules::moduleExport),
            new Rule("defined in exactly one object, once: klp relocation, sympos 0", ConversionRules::unique),
            new Rule("otherwise: refused, naming the candidates", ConversionRules::refuse));

    private final SymbolOracle oracle;
    private final Map<String, Annotations.Pin> pins;
    private final String missingHint;

    ConversionRules(SymbolOracle oracle, Map<String, Annotations.Pin> pins, String missingHint) {
        this.oracle = oracle;
        this.pins = pins;
        this.missingHint = missingHint;
    }

    /** The decision for all references to the undefined symbol {@code name}. */
    Decision decide(String name) {
        for (Rule r : RULES) {
            Optional<Decision> d = r.test().apply(this, name);
            if (d.isPresent()) {
                return d.get();
            }
        }
        throw new IllegalStateException("the last rule always decides");
    }

    private Optional<Decision> label(String name) {
        if (!name.startsWith(KlpNames.LABEL_PREFIX)) {
            return Optional.empty();
        }
        Optional<KlpNames.Label> l = KlpNames.parseLabel(name);
        if (l.isEmpty()) {
            return Optional.of(new Decision.Refuse("malformed KLP_RELOC_SYMBOL_POS label: expected "
                    + KlpNames.LABEL_PREFIX + "<patched object>.<symbol object>.<symbol>,<position>"));
        }
        KlpNames.Label lab = l.get();
        if (lab.sympos() > Integer.MAX_VALUE) {
            return Optional.of(new Decision.Refuse("position " + lab.sympos() + " is out of range"));
        }
        return Optional.of(pinned(lab.lpObject(), lab.object(), lab.symbol(), (int) lab.sympos(),
                "KLP_RELOC_SYMBOL_POS label"));
    }

    private Optional<Decision> annotated(String name) {
        Annotations.Pin p = pins.get(name);
        if (p == null) {
            return Optional.empty();
        }
        return Optional.of(pinned(p.object(), p.object(), name, p.sympos(), "KLP_SYMPOS in " + p.table()));
    }

    /** An author-chosen target, checked against the symbol source when it knows the object. */
    private Decision pinned(String lpObject, String object, String symbol, int sympos, String rule) {
        if (oracle.knowsObject(object)) {
            List<SymbolOracle.Candidate> c = oracle.candidates(object, symbol);
            if (c.isEmpty()) {
                return new Decision.Refuse("the " + rule + " names " + object + " but " + object + " has no symbol '"
                        + symbol + "' (" + oracle.origin() + ")" + elsewhere(symbol));
            }
            if (sympos == 0 && c.size() > 1) {
                return new Decision.Refuse("the " + rule + " asks for position 0 (unique) but " + object + " has "
                        + c.size() + " symbols of that name: " + list(c) + "; give the position");
            }
            if (sympos > c.size()) {
                return new Decision.Refuse("the " + rule + " asks for position " + sympos + " but " + object
                        + " has only " + c.size() + " symbol" + (c.size() == 1 ? "" : "s") + " of that name: "
                        + list(c));
            }
        }
        return new Decision.Convert(lpObject, object, symbol, sympos, rule);
    }

    private Optional<Decision> vmlinuxExport(String name) {
        return oracle.exporter(name).filter(VMLINUX::equals).map(o -> new Decision.Keep("exported by vmlinux"));
    }

    private Optional<Decision> moduleExport(String name) {
        Optional<String> m = oracle.exporter(name).filter(o -> !o.equals(VMLINUX));
        if (m.isEmpty()) {
            return Optional.empty();
        }
        String mod = m.get();
        List<SymbolOracle.Candidate> c = oracle.candidates(mod, name);
        int sympos = c.size() > 1 ? -1 : 0;
        if (sympos < 0) {
            return Optional.of(new Decision.Refuse("exported by module " + mod + " but defined " + c.size()
                    + " times there: " + list(c) + "; annotate it with KLP_RELOC_SYMBOL_POS(" + mod + ", " + mod + ", "
                    + name + ", N)"));
        }
        return Optional.of(new Decision.Convert(mod, mod, name, 0, "exported by module " + mod));
    }

    private Optional<Decision> unique(String name) {
        List<String> objects = oracle.objectsDefining(name);
        if (objects.size() != 1) {
            return Optional.empty();
        }
        String object = objects.get(0);
        List<SymbolOracle.Candidate> c = oracle.candidates(object, name);
        if (c.size() != 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Decision.Convert(object, object, name, oracle.uniqueSympos(object, name),
                    "not exported, defined once in " + object));
        } catch (KelpException e) {
            return Optional.of(new Decision.Refuse(e.getMessage(), true));
        }
    }

    private Optional<Decision> refuse(String name) {
        List<String> objects = oracle.objectsDefining(name);
        if (objects.isEmpty()) {
            return Optional.of(new Decision.Refuse("not exported and not defined in vmlinux or any module of "
                    + oracle.origin() + "; " + missingHint));
        }
        if (objects.size() > 1) {
            String all = objects.stream().map(o -> o + " (" + list(oracle.candidates(o, name)) + ")")
                    .collect(Collectors.joining("; "));
            return Optional.of(new Decision.Refuse("not exported and defined in " + objects.size() + " objects: " + all
                    + "; say which with KLP_RELOC_SYMBOL_POS(OBJ, OBJ, " + name + ", N) or KLP_MODULE_RELOC(OBJ)"
                    + " { KLP_SYMPOS(" + name + ", N) } from kelp-livepatch.h"));
        }
        String o = objects.get(0);
        List<SymbolOracle.Candidate> c = oracle.candidates(o, name);
        return Optional.of(new Decision.Refuse("ambiguous: " + o + " has " + c.size() + " symbols of that name: "
                + list(c) + "; say which with KLP_RELOC_SYMBOL_POS(" + o + ", " + o + ", " + name + ", N) or"
                + " KLP_MODULE_RELOC(" + o + ") { KLP_SYMPOS(" + name + ", N) } from kelp-livepatch.h"));
    }

    /** The decision for a side-band record (a reference to a local symbol of a known unit). */
    Decision decideLocal(String name, String object, String unit, java.util.Set<String> unitSymbols,
            String defaultObject) {
        String obj = object;
        if (obj.isEmpty()) {
            List<String> objects = oracle.objectsDefining(name);
            if (objects.size() == 1) {
                obj = objects.get(0);
            } else if (defaultObject != null) {
                obj = defaultObject;
            } else {
                return new Decision.Refuse("the side-band record names no object and " + (objects.isEmpty()
                        ? "no object defines it (" + oracle.origin() + ")" : objects.size() + " objects define it ("
                        + String.join(", ", objects) + ")") + "; pass --object");
            }
        }
        List<SymbolOracle.Candidate> c = oracle.candidates(obj, name);
        if (c.isEmpty()) {
            return new Decision.Refuse("unit " + unit + " refers to it in " + obj + ", but " + obj + " has no symbol of"
                    + " that name (" + oracle.origin() + ")" + elsewhere(name)
                    + "; check that the symbols come from the kernel the patch is built for");
        }
        try {
            int sympos = c.size() == 1 ? oracle.uniqueSympos(obj, name)
                    : oracle.unitSympos(obj, name, new UnitContext(sourceOf(unit), unitSymbols));
            return new Decision.Convert(obj, obj, name, sympos, c.size() == 1 ? "local, unique in " + obj
                    : "local, position from unit " + unit);
        } catch (KelpException e) {
            return new Decision.Refuse(e.getMessage());
        }
    }

    /** kelp diff names a unit by its object file or its source; kallsyms FILE symbols name sources. */
    private static String sourceOf(String unit) {
        return unit.endsWith(".o") ? unit.substring(0, unit.length() - 2) + ".c" : unit;
    }

    private String elsewhere(String symbol) {
        List<String> objects = oracle.objectsDefining(symbol);
        return objects.isEmpty() ? "" : "; it is defined in " + String.join(", ", objects);
    }

    private static String list(List<SymbolOracle.Candidate> c) {
        return c.stream().map(SymbolOracle.Candidate::description).collect(Collectors.joining("; "));
    }
}
