package dev.kelp.clones;

import dev.kelp.util.KelpException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Gets the ipa-clones dumps of units by compiling them through a {@link UnitCompiler}. */
final class DumpCollector {
    public static final List<String> DUMP_FLAGS = List.of("-fdump-ipa-clones");

    private DumpCollector() {
    }

    public static List<IpaDump> collect(UnitCompiler compiler, Collection<String> units) {
        return dumps(compiler.compile(units, DUMP_FLAGS));
    }

    /** Parses the dumps next to units compiled with {@link #DUMP_FLAGS}. */
    public static List<IpaDump> dumps(List<UnitCompiler.CompiledUnit> compiled) {
        List<IpaDump> dumps = new ArrayList<>();
        for (UnitCompiler.CompiledUnit cu : compiled) {
            Path dump = IpaClonesParser.dumpPathFor(cu.objectFile(), Path.of(cu.unit()));
            if (!Files.isRegularFile(dump)) {
                throw new KelpException(cu.unit() + ": compiled with -fdump-ipa-clones but " + dump
                        + " was not written; does the compiler support the option (GCC 8 or later)?");
            }
            IpaDump d = IpaClonesParser.parse(dump, cu.targetObject());
            dumps.add(new IpaDump(cu.unit(), cu.targetObject(), d.edges(), d.removed(), d.format()));
        }
        return dumps;
    }
}
