package dev.kelp.clones;

import dev.kelp.testsupport.Gcc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Compiles a C snippet with gcc-12 (testsupport.Gcc) and -fdump-ipa-clones, the way kbuild names things. */
record GccFixture(Path source, Path object, Path dump) {

    static GccFixture compile(Path dir, String name, String code, String... extraFlags) throws IOException {
        Path src = dir.resolve(name + ".c");
        Files.writeString(src, code);
        Path outDir = Files.createDirectories(dir.resolve("out"));
        Path obj = outDir.resolve(name + ".o");
        List<String> args = new ArrayList<>(List.of("-O2", "-fdump-ipa-clones"));
        args.addAll(List.of(extraFlags));
        args.addAll(List.of("-c", "-o", obj.toString(), src.toString()));
        Gcc.run(dir, args);
        return new GccFixture(src, obj, IpaClonesParser.dumpPathFor(obj, src));
    }

    IpaDump parse() {
        return IpaClonesParser.parse(dump, "vmlinux");
    }

    SymbolLookup symbols() {
        return new SymbolTables().add("vmlinux", object);
    }

    static final String INLINE = """
            static inline int helper(int x) { return x * 3 + 1; }
            static inline __attribute__((always_inline)) int ahelper(int x) { return x ^ 0x55; }
            int g(int a) { return helper(a) + ahelper(a); }
            int h(int a) { return helper(a + 1); }
            """;

    static final String CLONES = """
            static __attribute__((noinline)) int k(int a, int mode) {
              int s = 0; for (int i = 0; i < a; i++) { if (mode) s += i * mode; else s -= i; } return s; }
            int call_k1(int a) { return k(a, 7); }
            int call_k2(int a) { return k(a + 2, 7); }
            static __attribute__((noinline)) int deref(const int *p) { return *p * 3 + 1; }
            int call_deref(const int *p, const int *q) { return deref(p) + deref(q); }
            struct big { int a, b, c, d, e, f; };
            static __attribute__((noinline)) int use_big(struct big *p, int unused) { return p->a * 3 + p->f; }
            int call_big(struct big *p, int n) { return use_big(p, n) + use_big(p + n, n + 1); }
            """;

    static final String PARTIAL = """
            extern void slow(int);
            static int part_fn(int x) {
              if (__builtin_expect(x > 0, 1)) return x;
              slow(x); slow(x+1); slow(x+2); slow(x+3); slow(x*5); slow(x*7); slow(x*9); slow(x*11);
              for (int i = 0; i < x * x; i++) slow(i);
              return -x;
            }
            int call_part1(int x) { return part_fn(x) + 1; }
            int call_part2(int x) { return part_fn(x * 2) + 2; }
            int call_part3(int x) { return part_fn(x * 3) + 3; }
            """;

    static final String RECURSION = """
            static int fact(int n) { return n <= 1 ? 1 : n * fact(n - 1); }
            int use_fact(int n) { return fact(n) + 1; }
            static int even(int n);
            static int odd(int n) { return n == 0 ? 0 : even(n - 1); }
            static int even(int n) { return n == 0 ? 1 : odd(n - 1); }
            int use_even(int n) { return even(n); }
            """;
}
