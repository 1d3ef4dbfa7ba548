package dev.kelp.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Robustness: diffing objects that have nothing to do with each other (every corpus case's
 * original against every case's patched object) never crashes; whatever comes out is a
 * verdict, and an output, when there is one, passes readelf and ld -r.
 */
class UnrelatedPairsTest {
    @TempDir
    Path tmp;

    @Test
    void unrelatedObjectsGiveAVerdictNeverACrash() {
        List<Corpus.Case> cases = Corpus.cases();
        int outputs = 0;
        for (int i = 0; i < cases.size() * cases.size(); i++) {
            Corpus.Case a = cases.get(i / cases.size());
            Corpus.Case b = cases.get(i % cases.size());
            DiffResult r;
            try {
                r = new Differ(new DiffOptions(b.sizes(), null, null)).diff(a.orig(), b.patched());
            } catch (dev.kelp.util.KelpException e) {
                // a one-line refusal of the input is a verdict too
                assertThat(e.getMessage()).doesNotContain("\n");
                continue;
            }
            assertThat(r.outcome()).isNotNull();
            if (r.outcome() == DiffResult.Outcome.CHANGED && outputs < 8) {
                Path out = tmp.resolve(a.name() + "-" + b.name() + ".o");
                r.output().write(out);
                OutputChecks.readelfAndLd(out, tmp);
                outputs++;
            }
        }
        assertThat(outputs).isPositive();
    }
}
