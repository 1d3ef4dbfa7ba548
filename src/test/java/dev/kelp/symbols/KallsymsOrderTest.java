package dev.kelp.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The System.map → kallsyms rules reproduce the real kernel's kallsyms order: the build fed
 * scripts/kallsyms a map in nm -n order (address, then name), so rebuilding that map from the
 * real list and applying the rules must give the real list back, tie-breaks and 'A' types included.
 */
class KallsymsOrderTest {

    @Test
    void systemMapOfTheRealKernelGivesItsKallsymsOrder() {
        List<KSym> real = KernelSymbols.load(new SymbolSource.Vmlinuz(CapturedKernel.target().vmlinuz())).symbols(KernelSymbols.VMLINUX);
        KSym end = real.stream().filter(s -> s.name().equals("__per_cpu_end")).findFirst().orElseThrow();
        List<RawSym> map = new ArrayList<>();
        for (KSym s : real) {
            // System.map types per-cpu symbols by their section (data); kallsyms retypes them 'A'.
            char type = s.index() <= end.index() ? (s.name().startsWith("__per_cpu") ? 'D' : 'd') : s.type();
            map.add(new RawSym(s.address(), type, s.name()));
        }
        // Symbols a real System.map has but kallsyms drops.
        map.add(new RawSym(0xffffffff82001d9cL, 'R', "kallsyms_offsets"));
        map.add(new RawSym(0xffffffff82001da8L, 'R', "kallsyms_num_syms"));
        map.add(new RawSym(0x10L, 'A', "some_absolute_value"));
        map.add(new RawSym(0xffffffff81000000L, 'T', "__kcfi_typeid_foo"));
        map.sort(Comparator.comparing(RawSym::address, Long::compareUnsigned).thenComparing(RawSym::name));

        List<RawSym> rebuilt = KallsymsOrder.fromSystemMap(map);

        assertThat(rebuilt.stream().map(r -> String.format("%016x %c %s", r.address(), r.type(), r.name())).toList())
                .isEqualTo(real.stream().map(s -> s.hexAddress() + " " + s.type() + " " + s.name()).toList());
    }

    @Test
    void tieBreaksAtOneAddress() {
        long a = 0xffffffff81000000L;
        List<RawSym> map = List.of(new RawSym(a, 'T', "__start_x"), new RawSym(a, 'T', "_a"),
                new RawSym(a, 'T', "b"), new RawSym(a, 'W', "a_weak"), new RawSym(a, 't', "c"));
        List<String> order = KallsymsOrder.fromSystemMap(map).stream().map(RawSym::name).toList();
        // non-weak before weak; then non-linker-provided first; then fewer leading '_'; then map order.
        assertThat(order).containsExactly("b", "c", "_a", "__start_x", "a_weak");
    }
}
