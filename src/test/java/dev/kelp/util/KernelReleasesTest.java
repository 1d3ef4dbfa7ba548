package dev.kelp.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelReleasesTest {

    @Test
    void releasesSortNumerically() {
        List<String> releases = new ArrayList<>(List.of("6.1.0-56-amd64", "6.10.0-1-amd64", "6.1.0-9-amd64",
                "5.10.0-28-amd64", "6.1.0-56-cloud-amd64"));
        releases.sort(KernelReleases::compare);
        assertThat(releases).containsExactly("5.10.0-28-amd64", "6.1.0-9-amd64", "6.1.0-56-amd64",
                "6.1.0-56-cloud-amd64", "6.10.0-1-amd64");
    }

    @Test
    void equalReleasesCompareEqualAndAMissingTailComesFirst() {
        assertThat(KernelReleases.compare("6.1.0-9-amd64", "6.1.0-9-amd64")).isZero();
        assertThat(KernelReleases.compare("6.1.0-9", "6.1.0-9-amd64")).isNegative();
        assertThat(KernelReleases.compare("6.1.0-10-amd64", "6.1.0-9-amd64")).isPositive();
    }
}
