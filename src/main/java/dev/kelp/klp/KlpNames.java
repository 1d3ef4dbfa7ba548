package dev.kelp.klp;

import dev.kelp.elf.Elf;
import java.util.Optional;

/**
 * Names of livepatch symbols and sections, and the limits the 6.1 kernel parses them with:
 * {@code ".klp.sym.%55[^.].%511[^,],%lu"} for symbols and {@code ".klp.rela.%55[^.]"} for
 * sections. An object name is at most 55 characters without '.', a symbol name at most 511
 * without ','.
 */
final class KlpNames {
    /** MODULE_NAME_LEN - 1 on 64-bit. */
    public static final int MAX_OBJECT = 55;
    /** KSYM_NAME_LEN - 1 in 6.1. */
    public static final int MAX_SYMBOL = 511;
    /** Prefix of the assembler labels written by KLP_RELOC_SYMBOL_POS. */
    public static final String LABEL_PREFIX = ".klp.sym.rela.";
    /** Prefix of the annotation tables written by KLP_MODULE_RELOC. */
    public static final String ANNOTATION_PREFIX = ".klp.module_relocs.";

    private KlpNames() {}

    /** {@code .klp.sym.<object>.<symbol>,<sympos>} */
    public static String symbol(String object, String symbol, int sympos) {
        return Elf.KLP_SYM_PREFIX + object + "." + symbol + "," + sympos;
    }

    /** {@code .klp.rela.<object>.<target section>}; the kernel parses only the object part. */
    public static String relaSection(String object, String targetSection) {
        return Elf.KLP_RELA_PREFIX + object + (targetSection.startsWith(".") ? "" : ".") + targetSection;
    }

    /** Why an object name cannot be used in a klp name, or empty when it can. */
    public static Optional<String> objectProblem(String object) {
        if (object.isEmpty()) {
            return Optional.of("the object name is empty");
        }
        if (object.length() > MAX_OBJECT) {
            return Optional.of("object name '" + object + "' is " + object.length() + " characters long, the kernel"
                    + " reads at most " + MAX_OBJECT);
        }
        if (object.indexOf('.') >= 0) {
            return Optional.of("object name '" + object + "' contains '.', which ends the object part of a klp name");
        }
        return Optional.empty();
    }

    /** Why a symbol name cannot be used in a klp name, or empty when it can. */
    public static Optional<String> symbolProblem(String symbol) {
        if (symbol.isEmpty()) {
            return Optional.of("the symbol name is empty");
        }
        if (symbol.length() > MAX_SYMBOL) {
            return Optional.of("the symbol name is " + symbol.length() + " characters long, the kernel reads at most "
                    + MAX_SYMBOL);
        }
        if (symbol.indexOf(',') >= 0) {
            return Optional.of("the symbol name contains ',', which ends the name part of a klp symbol");
        }
        return Optional.empty();
    }

    /** A parsed {@code .klp.sym.<object>.<symbol>,<sympos>} name. */
    public record KlpSymbolName(String object, String symbol, long sympos) {}

    /** Parses a klp symbol name as the kernel does; empty when it would not parse. */
    public static Optional<KlpSymbolName> parseSymbol(String name) {
        if (!name.startsWith(Elf.KLP_SYM_PREFIX)) {
            return Optional.empty();
        }
        return parseObjectSymbolPos(name.substring(Elf.KLP_SYM_PREFIX.length()))
                .map(p -> new KlpSymbolName(p.object(), p.symbol(), p.sympos()));
    }

    /** The object part of a klp rela section name, or empty. */
    public static Optional<String> parseRelaObject(String sectionName) {
        if (!sectionName.startsWith(Elf.KLP_RELA_PREFIX)) {
            return Optional.empty();
        }
        String rest = sectionName.substring(Elf.KLP_RELA_PREFIX.length());
        int dot = rest.indexOf('.');
        String obj = dot < 0 ? rest : rest.substring(0, dot);
        return obj.isEmpty() || obj.length() > MAX_OBJECT ? Optional.empty() : Optional.of(obj);
    }

    /**
     * A parsed assembler label {@code .klp.sym.rela.<lp object>.<symbol object>.<symbol>,<pos>}
     * (KLP_RELOC_SYMBOL_POS).
     */
    public record Label(String lpObject, String object, String symbol, long sympos) {}

    public static Optional<Label> parseLabel(String name) {
        if (!name.startsWith(LABEL_PREFIX)) {
            return Optional.empty();
        }
        String rest = name.substring(LABEL_PREFIX.length());
        int dot = rest.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String lp = rest.substring(0, dot);
        return parseObjectSymbolPos(rest.substring(dot + 1)).map(p -> new Label(lp, p.object(), p.symbol(),
                p.sympos()));
    }

    private record ObjectSymbolPos(String object, String symbol, long sympos) {}

    /** {@code <object>.<symbol>,<pos>}: the object stops at the first '.', the symbol at the last ','. */
    private static Optional<ObjectSymbolPos> parseObjectSymbolPos(String s) {
        int dot = s.indexOf('.');
        int comma = s.lastIndexOf(',');
        if (dot <= 0 || comma <= dot + 1 || comma == s.length() - 1) {
            return Optional.empty();
        }
        String pos = s.substring(comma + 1);
        if (!pos.chars().allMatch(Character::isDigit) || pos.length() > 18) {
            return Optional.empty();
        }
        return Optional.of(new ObjectSymbolPos(s.substring(0, dot), s.substring(dot + 1, comma), Long.parseLong(pos)));
    }
}
