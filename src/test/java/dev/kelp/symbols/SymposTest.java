package dev.kelp.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.util.KelpException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * sympos against the kernel's rule (kernel/livepatch/core.c klp_find_object_symbol, replayed
 * below on the kernel's own /proc/kallsyms listing), in vmlinux and in modules loaded in QEMU.
 */
class SymposTest {
    static CapturedKernel kernel;
    static KernelSymbols db;

    @BeforeAll
    static void load() {
        kernel = CapturedKernel.find();
        db = KernelSymbols.load(new SymbolSource.Vmlinuz(kernel.vmlinuz), new SymbolSource.Modules(kernel.modulesDir));
    }

    /**
     * klp_find_object_symbol: walk the object's kallsyms in order counting exact name matches;
     * stop at the sympos-th, or at the second when sympos is 0; fail when sympos 0 is not unique
     * or the count does not reach sympos. Returns the index found, or -1 for the kernel's -EINVAL.
     */
    static int kernelFind(List<String> kallsymsNames, String name, int sympos) {
        int count = 0;
        int found = -1;
        for (int i = 0; i < kallsymsNames.size(); i++) {
            if (!kallsymsNames.get(i).equals(name)) {
                continue;
            }
            found = i;
            count++;
            if ((sympos > 0 && count == sympos) || (sympos == 0 && count > 1)) {
                break;
            }
        }
        if (found < 0 || (count > 1 && sympos == 0) || (sympos > 0 && sympos != count)) {
            return -1;
        }
        return found;
    }

    /** Checks every symbol of the object; returns how many names occur 1, 2 and ≥3 times. */
    static int[] checkObject(List<KSym> ours, List<String> kernelNames) {
        Map<String, List<Integer>> positions = new HashMap<>();
        for (int i = 0; i < kernelNames.size(); i++) {
            positions.computeIfAbsent(kernelNames.get(i), k -> new ArrayList<>()).add(i);
        }
        int[] seen = new int[3];
        for (KSym s : ours) {
            List<Integer> where = positions.get(s.name());
            assertThat(where).as("%s in the kernel's list", s.name()).isNotNull();
            // Replaying the walk over the name's own matches is the same walk: other names never count.
            List<String> only = where.stream().map(kernelNames::get).toList();
            int found = kernelFind(only, s.name(), s.sympos());
            assertThat(found).as("kernel resolves %s,%d", s.name(), s.sympos()).isNotNegative();
            assertThat(where.get(found)).as("%s,%d is this symbol", s.name(), s.sympos()).isEqualTo(s.index());
            if (where.size() > 1) {
                assertThat(kernelFind(only, s.name(), 0)).as("%s,0 is ambiguous for the kernel", s.name())
                        .isEqualTo(-1);
            }
            seen[Math.min(where.size(), 3) - 1]++;
        }
        return seen;
    }

    @Test
    void vmlinuxSymposIsWhatTheKernelResolves() {
        List<String> names = kernel.vmlinuxLines().stream().map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList();
        int[] seen = checkObject(db.symbols(KernelSymbols.VMLINUX), names);
        assertThat(seen[0]).as("names occurring once").isGreaterThan(1000);
        assertThat(seen[1]).as("symbols whose name occurs twice").isGreaterThan(10);
        assertThat(seen[2]).as("symbols whose name occurs 3+ times").isGreaterThan(10);
    }

    @Test
    void moduleListsAndSymposMatchTheLoadedModules() {
        Map<String, List<String>> loaded = kernel.moduleLines();
        assertThat(loaded).isNotEmpty();
        int[] total = new int[3];
        for (var e : loaded.entrySet()) {
            List<KSym> ours = db.symbols(e.getKey());
            assertThat(ours.stream().map(s -> s.type() + " " + s.name()).toList())
                    .as("kallsyms of module %s computed from its .ko", e.getKey()).isEqualTo(e.getValue());
            List<String> names = e.getValue().stream().map(l -> l.substring(2)).toList();
            int[] seen = checkObject(ours, names);
            for (int i = 0; i < 3; i++) {
                total[i] += seen[i];
            }
        }
        assertThat(total[0]).isGreaterThan(10);
        assertThat(total[1]).as("module symbols whose name occurs twice").isGreaterThan(0);
        assertThat(total[2]).as("module symbols whose name occurs 3+ times").isGreaterThan(0);
    }

    @Test
    void symposByAddressFollowsKallsymsOrder() {
        String many = db.symbols(KernelSymbols.VMLINUX).stream()
                .filter(s -> s.sympos() == 3 && s.address() != 0).findFirst().orElseThrow().name();
        List<KSym> all = db.lookup(KernelSymbols.VMLINUX, many);
        for (int i = 0; i < all.size(); i++) {
            assertThat(db.sympos(KernelSymbols.VMLINUX, many, all.get(i).address())).isEqualTo(i + 1);
        }
        KSym unique = db.lookup(KernelSymbols.VMLINUX, "cmdline_proc_show").get(0);
        assertThat(db.sympos(KernelSymbols.VMLINUX, "cmdline_proc_show", unique.address())).isZero();
        assertThatThrownBy(() -> db.sympos(KernelSymbols.VMLINUX, "cmdline_proc_show", unique.address() + 1))
                .isInstanceOf(KelpException.class).hasMessageContaining("no symbol 'cmdline_proc_show' at");
    }

    @Test
    void perCpuSymbolAtAddressZeroIsRefused() {
        KSym fixed = db.lookup(KernelSymbols.VMLINUX, "fixed_percpu_data").get(0);
        assertThatThrownBy(() -> db.checkedSympos(fixed)).isInstanceOf(KelpException.class)
                .hasMessageContaining("address 0");
    }
}
