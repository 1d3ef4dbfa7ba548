package dev.kelp.clones;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.target.Target;
import dev.kelp.build.TargetSymbols;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** "No symbol of its own" from the installed Debian kernel's symbols (vmlinuz kallsyms, modules). */
class KernelSymbolLookupTest {

    @Test
    void inlinedStaticHasNoSymbolWhileItsCallerAndModuleFunctionsDo() {
        String release = Target.discover(Optional.empty(), Optional.empty()).release();
        KernelSymbolLookup lookup = new KernelSymbolLookup(TargetSymbols.of(release));
        // fs/proc/meminfo.c: show_val_kb is inlined into meminfo_proc_show by gcc-12
        assertThat(lookup.definesFunction("vmlinux", "meminfo_proc_show")).contains(true);
        assertThat(lookup.definesFunction("vmlinux", "show_val_kb")).contains(false);
        // a data symbol is not a function
        assertThat(lookup.definesFunction("vmlinux", "jiffies")).contains(false);
        assertThat(lookup.definesFunction("xfs", "xqmstat_proc_show")).contains(true);
        assertThat(lookup.definesFunction("xfs", "meminfo_proc_show")).contains(false);
        assertThat(lookup.definesFunction("no_such_module", "f")).isEmpty();
    }
}
