package dev.kelp.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Module.symvers of the installed headers agrees with the __ksymtab_ entries kallsyms lists. */
class ExportsTest {
    static KernelSymbols db;

    @BeforeAll
    static void load() {
        db = dev.kelp.build.TargetSymbols.of(CapturedKernel.target().release()); // the JVM's one copy
    }

    @Test
    void everyExportHasItsKsymtabEntryInTheExportingObject() {
        Map<String, Export> exports = db.exports();
        long vmlinux = exports.values().stream().filter(e -> e.object().equals(KernelSymbols.VMLINUX)).count();
        assertThat(vmlinux).isGreaterThan(5000);
        assertThat(exports.size() - vmlinux).as("module exports").isGreaterThan(5000);
        java.util.Set<String> objects = java.util.Set.copyOf(db.objects());
        java.util.List<String> missing = new java.util.ArrayList<>();
        for (Export e : exports.values()) {
            if (!objects.contains(e.object()) || db.lookup(e.object(), "__ksymtab_" + e.symbol()).size() != 1) {
                missing.add(e.symbol() + " in " + e.object());
            }
        }
        assertThat(missing).as("exports without their __ksymtab_ entry").isEmpty();
    }

    @Test
    void exportDetailsAndModuleNames() {
        Export phys = db.isExported("phys_base").orElseThrow();
        assertThat(phys.object()).isEqualTo("vmlinux");
        assertThat(phys.kind()).isEqualTo("EXPORT_SYMBOL");
        assertThat(db.isExported("cmdline_proc_show")).isEmpty();
        // A module whose file name has '-' is known by its kernel name with '_'.
        Export dashed = db.exports().values().stream().filter(e -> e.path().contains("-")).findFirst().orElseThrow();
        assertThat(dashed.object()).doesNotContain("-");
        assertThat(db.objects()).contains(dashed.object());
        assertThat(db.objectsDefining(dashed.symbol())).contains(dashed.object());
        // A module exporting a symbol shows it in upper case, as /proc/kallsyms does.
        KSym exported = db.lookup(dashed.object(), dashed.symbol()).get(0);
        assertThat(Character.isUpperCase(exported.type())).isTrue();
    }
}
