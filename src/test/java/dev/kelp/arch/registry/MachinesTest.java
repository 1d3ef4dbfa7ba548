package dev.kelp.arch.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.arch.Machine;
import dev.kelp.elf.Elf;
import dev.kelp.util.KelpException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One registry, one object per machine, whose facets describe the same machine. */
class MachinesTest {
    @Test
    void eachMachinesFacetsAgree() {
        assertThat(Machines.all()).isNotEmpty();
        for (Machine m : Machines.all()) {
            assertThat(m.arch().elfMachine()).as(m.name()).isEqualTo(m.elfMachine());
            assertThat(m.arch().name()).isEqualTo(m.name());
            assertThat(Machines.forElf(m.elfMachine())).isSameAs(m);
            assertThat(Machines.livepatch(m.elfMachine(), "x.o")).isSameAs(m.livepatch());
            assertThat(Machines.forKernelConfig(Set.of(m.kernelConfigOption())::contains)).isSameAs(m);
            assertThat(Machines.boots()).contains(m.boot());
        }
        assertThat(Machines.all().stream().map(Machine::elfMachine)).doesNotHaveDuplicates();
    }

    @Test
    void unknownMachinesAreRefusedAsUnsupported() {
        assertThatThrownBy(() -> Machines.forElf(Elf.EM_AARCH64)).isInstanceOf(KelpException.class)
                .hasMessageContaining("unsupported architecture").hasMessageContaining("aarch64")
                .satisfies(e -> assertThat(((KelpException) e).exitCode()).isEqualTo(KelpException.UNSUPPORTED));
        assertThatThrownBy(() -> Machines.livepatch(Elf.EM_AARCH64, "a.o")).hasMessageStartingWith("a.o: machine");
        assertThatThrownBy(() -> Machines.forKernelConfig(o -> o.equals("CONFIG_ARM64")))
                .hasMessageContaining("CONFIG_X86_64");
        assertThat(Machines.relocationName(Elf.EM_AARCH64, 1)).isEqualTo("R_unknown(1)");
    }
}
