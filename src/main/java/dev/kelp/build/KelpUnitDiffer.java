package dev.kelp.build;

import dev.kelp.arch.registry.Machines;
import dev.kelp.diff.DiffOptions;
import dev.kelp.diff.DiffResult;
import dev.kelp.diff.Differ;
import dev.kelp.diff.IncludedFunction;
import dev.kelp.diff.Problem;
import dev.kelp.diff.StructSizes;
import dev.kelp.elf.Elf;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.RelocationSection;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import dev.kelp.module.LivepatchModel;
import dev.kelp.symbols.KernelSymbols;
import dev.kelp.symbols.UnitContext;
import dev.kelp.tree.KbuildUnits;
import dev.kelp.util.KelpException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@link UnitDiffer} backed by {@code kelp diff} ({@link Differ}): diffs one unit with the
 * record sizes the target kernel defines, turns the kpatch callback records into global names
 * the glue can reference, and looks up each replaced function's sympos in the target's symbols.
 */
final class KelpUnitDiffer implements UnitDiffer {
    private static final String CALLBACKS = ".kpatch.callbacks.";
    private static final int CALLBACK_RECORD = 16;

    private final Function<String, KernelSymbols> symbols;
    private final String release;

    /**
     * @param release the target release
     * @param symbols the target's symbol database for a release (called once per changed unit)
     */
    public KelpUnitDiffer(String release, Function<String, KernelSymbols> symbols) {
        this.release = release;
        this.symbols = symbols;
    }

    @Override
    public UnitDiff diff(UnitBuilder.UnitPair pair, String object, Map<String, Integer> recordSizes, Path outDir) {
        KbuildUnits.Unit unit = pair.unit();
        ElfFile orig = ElfFile.read(pair.original());
        ElfFile patched = ElfFile.read(pair.patched());
        StructSizes sizes = StructSizes.ofSections(Machines.forElf(orig.machine()).arch(), recordSizes);
        DiffResult r = new Differ(new DiffOptions(sizes, object, unit.source()))
                .diff(orig, pair.original().toString(), patched, pair.patched().toString());
        switch (r.outcome()) {
            case NO_CHANGE:
                return new UnitDiff(pair, object, Kind.NO_CHANGE, Optional.empty(), List.of(), List.of(),
                        LivepatchModel.Callbacks.NONE, List.of(), List.of());
            case UNSUPPORTED:
                return new UnitDiff(pair, object, Kind.UNSUPPORTED, Optional.empty(), List.of(), List.of(),
                        LivepatchModel.Callbacks.NONE,
                        r.problems().stream().map(p -> unit.source() + ": " + p.location() + ": " + p.message()).toList(),
                        List.of());
            default:
                break;
        }
        ElfFile out = r.output();
        Map<String, String> callbackKinds = new HashMap<>();
        LivepatchModel.Callbacks callbacks = exportCallbacks(out, object, unit, callbackKinds);
        UnitContext ctx = new UnitContext(unit.source(), localNames(orig));
        KernelSymbols db = symbols.apply(release);
        List<ChangedFunction> functions = new ArrayList<>();
        for (IncludedFunction f : r.included()) {
            boolean replaces = f.alias() != null;
            long sympos = replaces ? sympos(db, object, f.name(), ctx, unit) : 0;
            String kind = replaces ? null : callbackKinds.get(f.name());
            String why = kind != null ? callbackLabel(kind) : SourceTouches.cloneReason(f.name(), f.reason());
            functions.add(new ChangedFunction(f.name(), sympos, replaces ? f.alias() : f.name(), why, replaces));
        }
        List<String> localized = unit.modules().size() > 1 ? localizeNewGlobals(out, r) : List.of();
        String copy = unit.modules().size() > 1 ? "@" + object : "";
        Path file = outDir.resolve(unit.object().replace('/', '_') + copy);
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write(file);
        return new UnitDiff(pair, object, Kind.CHANGED, Optional.of(file), functions, r.data(), callbacks, List.of(), localized);
    }

    /**
     * A unit linked into several modules is patched once per module, and the copies go into one
     * livepatch module: a new global function or variable would be defined twice. Each copy keeps
     * its own, local (as each module has its own copy of the unit's globals). The glue's aliases
     * ({@code kelp_new__OBJECT__…}, {@code kelp_cb__OBJECT__…}) already name the object and stay.
     */
    private static List<String> localizeNewGlobals(ElfFile out, DiffResult r) {
        Set<String> aliases = new java.util.HashSet<>();
        for (IncludedFunction f : r.included()) {
            if (f.alias() != null) {
                aliases.add(f.alias());
            }
        }
        List<String> names = new ArrayList<>();
        for (Symbol s : out.symbols()) {
            if (!s.isLocal() && s.section() != null && !s.name().isEmpty() && !aliases.contains(s.name())
                    && !s.name().startsWith("kelp_cb__")) {
                s.setBind(Elf.STB_LOCAL);
                names.add(s.name());
            }
        }
        return names;
    }

    private static long sympos(KernelSymbols db, String object, String name, UnitContext ctx, KbuildUnits.Unit unit) {
        try {
            return db.checkedSympos(db.resolve(name, object, ctx));
        } catch (KelpException e) {
            throw new KelpException(unit.source() + ": changed function " + name + " cannot be located in " + object
                    + ": " + e.getMessage(), KelpException.UNSUPPORTED, e);
        }
    }

    private static Set<String> localNames(ElfFile elf) {
        Set<String> names = new LinkedHashSet<>();
        for (Symbol s : elf.symbols()) {
            if (s.isLocal() && (s.isFunction() || s.isObject()) && !s.name().isEmpty()) {
                names.add(s.name());
            }
        }
        return names;
    }

    /**
     * kpatch-macros.h callbacks: each {@code .kpatch.callbacks.KIND} record names its function
     * through the relocation at the record's start. The function (usually static) gets a global
     * alias for the glue's {@code klp_callbacks}; the section is dropped (the glue registers them).
     * {@code kinds} gets each callback function's kind ({@code pre_patch} …): the report names it by it.
     */
    /** "pre_patch" → "pre-patch callback": what the report says a callback function is there for. */
    static String callbackLabel(String kind) {
        return kind.replace('_', '-') + " callback";
    }

    static LivepatchModel.Callbacks exportCallbacks(ElfFile out, String object, KbuildUnits.Unit unit, Map<String, String> kinds) {
        Map<String, String> byKind = new HashMap<>();
        List<Section> drop = new ArrayList<>();
        for (Section s : List.copyOf(out.sections())) {
            if (!s.name().startsWith(CALLBACKS)) {
                continue;
            }
            String kind = s.name().substring(CALLBACKS.length());
            drop.add(s);
            for (RelocationSection rs : out.relocationsFor(s)) {
                drop.add(rs);
                for (Relocation rel : rs.relocations()) {
                    if (rel.offset() % CALLBACK_RECORD != 0) {
                        continue;
                    }
                    Symbol fn = rel.symbol();
                    if (fn == null || !fn.isFunction() || fn.section() == null) {
                        throw new KelpException(unit.source() + ": " + s.name() + " record at " + rel.offset()
                                + " does not point at a function defined in the patch", KelpException.UNSUPPORTED, null);
                    }
                    String alias = "kelp_cb__" + object.replace('-', '_') + "__" + kind + "__" + fn.name().replace('.', '_');
                    if (byKind.put(kind, alias) != null) {
                        throw new KelpException(unit.source() + ": two " + kind + " callbacks: livepatch allows one of each"
                                + " kind per object; merge them into one function", KelpException.UNSUPPORTED, null);
                    }
                    kinds.put(fn.name(), kind);
                    out.symtab().add(new Symbol(alias).setBind(Elf.STB_GLOBAL).setType(Elf.STT_FUNC).setValue(fn.value())
                            .setSize(fn.size()).setSection(fn.section()));
                }
            }
        }
        out.removeSections(drop);
        return new LivepatchModel.Callbacks(Optional.ofNullable(byKind.get("pre_patch")),
                Optional.ofNullable(byKind.get("post_patch")), Optional.ofNullable(byKind.get("pre_unpatch")),
                Optional.ofNullable(byKind.get("post_unpatch")));
    }
}
