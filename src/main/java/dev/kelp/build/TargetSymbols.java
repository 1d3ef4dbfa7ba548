package dev.kelp.build;

import dev.kelp.symbols.KernelSymbols;
import dev.kelp.symbols.SymbolSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The symbol database of an installed target kernel (vmlinuz kallsyms, its modules, the headers'
 * Module.symvers), loaded once per release and JVM: loading reads thousands of modules (seconds),
 * and both the sympos of patched functions and the klp conversion need it.
 */
public final class TargetSymbols {
    private static final Map<String, KernelSymbols> LOADED = new ConcurrentHashMap<>();

    private TargetSymbols() {
    }

    /** The database of {@code release}, loaded on first use. */
    public static KernelSymbols of(String release) {
        return LOADED.computeIfAbsent(release, r -> KernelSymbols.load(SymbolSource.forRelease(r)));
    }
}
