package dev.kelp.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every end-to-end patch applies to the target's source, and its affected units build original and patched. */
class E2ePatchesTest {

    static List<E2eCase> cases() {
        return E2eCase.all();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void appliesAndBuilds(E2eCase c, @TempDir Path out) {
        assertThat(c.expect()).isIn(0, 2, 3);
        assertThat(c.probe().isBlank()).as("a buildable case has a probe").isEqualTo(c.expect() != 0);
        PreparedTree tree = TestTrees.prepared();
        PatchFile patch = PatchFile.read(c.patch());
        AffectedUnits.Result affected = AffectedUnits.compute(tree, List.of(patch));
        try (WorkTree wt = WorkTree.create(tree, false)) {
            wt.apply(List.of(c.patch()));
            List<UnitBuilder.UnitPair> pairs = UnitBuilder.build(wt,
                    affected.units().stream().map(AffectedUnits.Affected::unit).toList(), 2, out);
            assertThat(pairs).hasSize(affected.units().size());
            assertThat(pairs).allSatisfy(p -> {
                assertThat(p.original()).isRegularFile();
                assertThat(p.patched()).isRegularFile();
            });
            // the files the patch names directly always produce a different object
            for (UnitBuilder.UnitPair p : pairs) {
                if (patch.files().stream().anyMatch(f -> f.path().equals(p.unit().source()))) {
                    assertThat(java.nio.file.Files.mismatch(p.original(), p.patched())).as(p.unit().object()).isNotEqualTo(-1L);
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
