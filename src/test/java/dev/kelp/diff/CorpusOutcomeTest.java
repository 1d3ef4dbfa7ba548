package dev.kelp.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of the kpatch unit corpus gives the reference differ's outcome and exactly its
 * sets of changed and new functions; every original object diffed against itself is no-change.
 */
class CorpusOutcomeTest {
    static List<Corpus.Case> cases() {
        List<Corpus.Case> c = Corpus.cases();
        assertThat(c).as("cases in expected.json").hasSize(41);
        return c;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesReference(Corpus.Case c) {
        DiffResult r = new Differ(new DiffOptions(c.sizes(), null, null)).diff(c.orig(), c.patched());
        assertThat(r.outcome().label()).as(c.name() + " outcome; problems " + r.problems()).isEqualTo(c.outcome());
        assertThat(new TreeSet<>(r.changed())).as(c.name() + " changed").isEqualTo(c.changed());
        assertThat(new TreeSet<>(r.added())).as(c.name() + " new").isEqualTo(c.added());
        if (c.outcome().equals("unsupported")) {
            assertThat(r.problems()).as(c.name() + " problems").isNotEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void originalAgainstItselfIsNoChange(Corpus.Case c) {
        DiffResult r = new Differ(new DiffOptions(c.sizes(), null, null)).diff(c.orig(), c.orig());
        assertThat(r.outcome()).as(c.name() + " " + r.changed() + r.added() + r.problems())
                .isEqualTo(DiffResult.Outcome.NO_CHANGE);
    }
}
